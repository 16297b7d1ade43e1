"""Nothing is lost: every staff act on a comment or on execution feedback is an event on the
decision's append-only record, with the changed fields before and after, shown on its history."""

import pytest
from django.conf import settings
from django.urls import reverse

from consultations import services as public
from decisions.errors import DecisionError
from decisions.models import DecisionEvent, DecisionState
from tests.consultations.conftest import record_of
from tests.factories import decision_in


def _changes(event: DecisionEvent) -> dict[str, tuple]:
    return {c["field"]: (c["before"], c["after"]) for c in event.details["changes"]}


def _last(decision, transition: str) -> DecisionEvent:
    return decision.events.filter(transition=transition).latest("id")


def test_answer_and_re_answer_keep_the_earlier_answer(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="建议增加投放点。")

    public.comment_answer(actor=org.clerk, comment=comment, handling="adopted", answer="已采纳。")
    public.comment_answer(actor=org.clerk, comment=comment, handling="partly", answer="部分采纳。")

    first, second = consulted.events.filter(transition="comment_answer").order_by("id")
    assert _changes(first) == {"handling": ("", "adopted"), "answer": ("", "已采纳。")}
    assert _changes(second) == {"handling": ("adopted", "partly"), "answer": ("已采纳。", "部分采纳。")}
    assert second.actor == org.clerk and second.comment == comment.tracking_number
    assert second.details["record"] == "consultations.comment" and second.details["id"] == comment.pk


def test_hide_unhide_group_and_ungroup_are_each_recorded(org, consulted):
    record = record_of(consulted)
    lead, duplicate = (public.comment_submit(record=record, text=t) for t in ("意见一", "意见一（重复）"))

    public.comment_hide(actor=org.clerk, comment=duplicate, reason="含辱骂内容")
    public.comment_unhide(actor=org.clerk, comment=duplicate)
    public.comment_group(actor=org.clerk, comment=duplicate, lead=lead)
    public.comment_group(actor=org.clerk, comment=duplicate, lead=None)

    assert _changes(_last(consulted, "comment_hide")) == {"hidden": (False, True), "hidden_reason": ("", "含辱骂内容")}
    assert _changes(_last(consulted, "comment_unhide")) == {
        "hidden": (True, False),
        "hidden_reason": ("含辱骂内容", ""),
    }
    assert _changes(_last(consulted, "comment_group")) == {"group_lead": (None, lead.tracking_number)}
    assert _changes(_last(consulted, "comment_ungroup")) == {"group_lead": (lead.tracking_number, None)}


def test_staff_entry_is_recorded_without_the_personal_data(org, consulted):
    comment = public.comment_enter(
        actor=org.clerk, decision=consulted, channel="letter", text="来信建议", name="张三", contact="地址略"
    )

    event = _last(consulted, "comment_enter")
    assert _changes(event) == {"tracking_number": (None, comment.tracking_number), "channel": (None, "letter")}
    assert "张三" not in str(event.details) and "地址略" not in str(event.details)


def test_a_refused_act_records_nothing(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    before = consulted.events.count()

    with pytest.raises(DecisionError):
        public.comment_hide(actor=org.clerk, comment=comment, reason=" ")

    assert consulted.events.count() == before


def test_feedback_reply_and_its_correction_are_recorded(org):
    implementing = decision_in(org, DecisionState.IMPLEMENTING)  # executing unit: org.sponsor
    feedback = public.feedback_submit(decision=implementing, text="停车点不足。", contact="13600000000")

    public.feedback_reply(actor=org.clerk, feedback=feedback, reply="将增设。")
    public.feedback_reply(actor=org.clerk, feedback=feedback, reply="已增设两处。")

    first, second = implementing.events.filter(transition="feedback_reply").order_by("id")
    assert _changes(first) == {"reply": ("", "将增设。")}
    assert _changes(second) == {"reply": ("将增设。", "已增设两处。")}
    assert "13600000000" not in str(second.details)


def test_history_page_shows_the_acts_in_chinese(client, org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    public.comment_answer(actor=org.clerk, comment=comment, handling="not_adopted", answer="超出范围。")

    client.force_login(org.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("decisions:detail", args=[consulted.pk]))
    html = page.content.decode()

    assert "意见已答复" in html and "不予采纳" in html and "超出范围。" in html
    # The raw values appear only as form options' values, never as words on the page.
    assert "comment_answer" not in html and ">not_adopted<" not in html
