import pytest

from consultations import services as public
from consultations.models import Comment
from consultations.summary import summarise
from decisions import gates, services
from decisions.errors import DecisionError
from decisions.integrity import findings_for
from decisions.models import ProcedureStep, StepKind, StepState
from tests.consultations.conftest import open_consultation, record_of


def _comments(decision, *texts, article=None):
    record = record_of(decision)
    return [public.comment_submit(record=record, text=text, article=article) for text in texts]


def test_summary_counts_and_groups_the_answers(org, consulted):
    first, second, third, abusive = _comments(consulted, "意见一", "意见二", "意见三", "辱骂内容")
    public.comment_answer(actor=org.clerk, comment=first, handling="adopted", answer="已修改第二条。")
    public.comment_group(actor=org.clerk, comment=second, lead=first)
    public.comment_answer(actor=org.clerk, comment=third, handling="not_adopted", answer="超出本办法范围。")
    public.comment_hide(actor=org.clerk, comment=abusive, reason="含辱骂内容")

    summary = summarise(Comment.objects.filter(consultation__record__step__decision=consulted))

    assert (summary.received, summary.adopted, summary.partly, summary.not_adopted) == (3, 2, 0, 1)
    assert summary.hidden == 1
    assert summary.unanswered == 0
    assert summary.reasons["adopted"] == [("已修改第二条。", 2)]


def test_summary_becomes_the_participation_record(org, consulted):
    (comment,) = _comments(consulted, "建议增加投放点。", article=2)

    public.comment_answer(actor=org.clerk, comment=comment, handling="partly", answer="部分点位已增加。")

    record = record_of(consulted)
    assert (record.comments_count, record.comments_adopted, record.comments_partly_adopted) == (1, 0, 1)
    assert "部分点位已增加。" in record.adoption_summary
    assert consulted.events.filter(transition="record_change").exists()


def test_participation_step_not_done_while_a_comment_is_unanswered(org, consulted):
    answered, waiting = _comments(consulted, "意见一", "意见二")
    public.comment_answer(actor=org.clerk, comment=answered, handling="adopted", answer="采纳。")
    step = ProcedureStep.objects.get(decision=consulted, kind=StepKind.PUBLIC_PARTICIPATION)

    refusals = gates.step_refusals("complete", step)

    assert "comments_all_answered" in [r.rule for r in refusals]
    assert waiting.is_answered is False


def test_answer_refused_without_a_reason(org, consulted):
    (comment,) = _comments(consulted, "意见")

    with pytest.raises(DecisionError) as refused:
        public.comment_answer(actor=org.clerk, comment=comment, handling="not_adopted", answer="  ")

    assert "answer" in refused.value.fields
    comment.refresh_from_db()
    assert comment.handling == ""


def test_comment_answered_needs_a_way_it_was_taken_up_art_18(org, consulted):
    (comment,) = _comments(consulted, "意见")

    with pytest.raises(DecisionError) as refused:
        public.comment_answer(actor=org.clerk, comment=comment, handling="ignored", answer="已研究。")

    assert (refused.value.rule, refused.value.article) == ("comment_answered", "Art 18")
    comment.refresh_from_db()
    assert (comment.handling, comment.answer) == ("", "")


def test_only_the_lead_sponsor_answers(org, consulted):
    (comment,) = _comments(consulted, "意见")

    with pytest.raises(DecisionError) as refused:
        public.comment_answer(actor=org.other_clerk, comment=comment, handling="adopted", answer="采纳。")

    assert refused.value.code == "forbidden"


def test_staff_enter_a_letter_into_the_same_inbox(org, consulted):
    comment = public.comment_enter(
        actor=org.clerk, decision=consulted, channel="letter", text="来信建议", name="张三", contact="地址略"
    )

    assert comment.channel == "letter"
    assert comment.entered_by == org.clerk
    assert record_of(consulted).comments_count == 1


def test_comment_on_an_article_the_draft_lacks_refused(consulted):
    with pytest.raises(DecisionError) as refused:
        public.comment_submit(record=record_of(consulted), text="意见", article=99)

    assert "article" in refused.value.fields


def test_name_required_when_the_consultation_asks(org, consulted):
    public.consultation_configure(actor=org.clerk, decision=consulted, name_required=True)

    with pytest.raises(DecisionError) as refused:
        public.comment_submit(record=record_of(consulted), text="意见")

    assert refused.value.rule == "comment_name_required"


def test_step_done_once_every_comment_is_answered_and_the_record_then_holds(org):
    closed = open_consultation(org, days_before=40, days_after=-10)
    letter = public.comment_enter(actor=org.clerk, decision=closed, channel="letter", text="来信建议")
    public.comment_answer(actor=org.clerk, comment=letter, handling="adopted", answer="采纳。")

    services.step_complete(decision=closed, kind=StepKind.PUBLIC_PARTICIPATION, actor=org.clerk)

    assert closed.steps.get(kind=StepKind.PUBLIC_PARTICIPATION).state == StepState.DONE
    assert findings_for(closed) == []
    # A comment slipped in by another road afterwards, unanswered, is a finding of the record.
    Comment.objects.create(consultation=letter.consultation, tracking_number="YJTEST000001", text="后补")
    assert "comments_all_answered" in [f.rule for f in findings_for(closed)]


def test_typed_counts_are_no_longer_accepted(org, consulted):
    with pytest.raises(DecisionError) as refused:
        services.participation_update(decision=consulted, actor=org.clerk, comments_count=12)

    assert "comments_count" in refused.value.fields
