"""Moderation, grouping and staff entry over the API, checked like the inbox page: only the lead
sponsor's staff, each act recorded on the decision's history."""

from rest_framework.test import APIClient

from consultations import services as public
from consultations.models import Comment
from tests.consultations.conftest import record_of


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_sponsor_hides_unhides_groups_and_enters_over_the_api(org, consulted):
    record = record_of(consulted)
    lead, duplicate = (public.comment_submit(record=record, text=t) for t in ("意见一", "意见一（重复）"))
    base = f"/api/v1/decisions/{consulted.pk}/consultation/comments/"
    api = _api(org.clerk)

    hidden = api.post(base + f"{duplicate.tracking_number}/hide/", {"reason": "含辱骂内容"}, format="json")
    shown = api.post(base + f"{duplicate.tracking_number}/unhide/", format="json")
    grouped = api.post(base + f"{duplicate.tracking_number}/group/", {"lead": lead.tracking_number}, format="json")
    entered = api.post(base, {"channel": "letter", "text": "来信建议", "name": "张三"}, format="json")

    assert (hidden.status_code, hidden.json()["hidden"]) == (200, True)
    assert (shown.status_code, shown.json()["hidden"]) == (200, False)
    assert grouped.json()["group_lead"] == lead.tracking_number
    assert entered.status_code == 201 and entered.json()["channel"] == "letter"
    assert Comment.objects.get(tracking_number=entered.json()["tracking_number"]).entered_by == org.clerk
    recorded = set(consulted.events.values_list("transition", flat=True))
    assert {"comment_hide", "comment_unhide", "comment_group", "comment_enter"} <= recorded

    ungrouped = api.post(base + f"{duplicate.tracking_number}/group/", {"lead": None}, format="json")
    assert ungrouped.json()["group_lead"] is None


def test_another_department_neither_moderates_nor_enters(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    base = f"/api/v1/decisions/{consulted.pk}/consultation/comments/"
    api = _api(org.other_clerk)

    assert api.post(base + f"{comment.tracking_number}/hide/", {"reason": "x"}, format="json").status_code == 404
    assert api.post(base + f"{comment.tracking_number}/group/", {"lead": None}, format="json").status_code == 404
    assert api.post(base, {"channel": "letter", "text": "来信"}, format="json").status_code == 404
    comment.refresh_from_db()
    assert comment.hidden is False and Comment.objects.count() == 1


def test_bad_input_is_refused_and_changes_nothing(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    base = f"/api/v1/decisions/{consulted.pk}/consultation/comments/"
    api = _api(org.clerk)

    no_reason = api.post(base + f"{comment.tracking_number}/hide/", {"reason": " "}, format="json")
    unknown_lead = api.post(base + f"{comment.tracking_number}/group/", {"lead": "YJNOSUCH"}, format="json")
    online = api.post(base, {"channel": "online", "text": "冒充线上"}, format="json")

    assert [r.status_code for r in (no_reason, unknown_lead, online)] == [400, 400, 400]
    assert "lead" in str(unknown_lead.json())
    comment.refresh_from_db()
    assert (comment.hidden, comment.group_lead) == (False, None) and Comment.objects.count() == 1
