"""An OA system drives a decision through its whole life with tokens alone (issue 5, "Done when")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from decisions.models import Decision, DecisionEvent, DecisionState
from tests.factories import expert_values, participation_values


def _json(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def ok(response, code=200):
    assert response.status_code == code, response.content.decode()
    return response.json()


def test_a_decision_lives_its_whole_life_through_the_api_with_tokens_alone(api):
    org = api.org
    clerk, head, reviewer, legal_head, secretary, leader = (
        api.as_(r) for r in ("clerk", "sponsor_head", "reviewer", "legal_head", "secretary", "leader")
    )
    created = ok(
        clerk.post(
            "/api/v1/decisions/",
            {
                "lead_sponsor": org.sponsor.pk,
                "title": "城市居民生活用水阶梯价格调整",
                "category": "public_policy",
                "catalogue_year": timezone.localdate().year,
                "decision_body": org.government.name,
                "co_sponsors": [org.other_sponsor.pk],
            },
            format="json",
        ),
        201,
    )
    pk = created["id"]
    base = f"/api/v1/decisions/{pk}/"
    assert created["state"] == "proposed"
    assert [s["kind"] for s in created["steps"]] == ["expert_argument", "public_participation", "risk_assessment"]

    ok(secretary.post(base + "transitions/start/", {"comment": "决定启动"}, format="json"))

    ok(clerk.post(base + "steps/public_participation/start/", {}, format="json"))
    ok(clerk.patch(base + "steps/public_participation/record/", _json(participation_values()), format="json"))
    ok(clerk.post(base + "steps/public_participation/complete/", {}, format="json"))

    ok(clerk.post(base + "steps/expert_argument/start/", {}, format="json"))
    ok(clerk.post(base + "steps/expert_argument/opinions/", _json(expert_values()), format="json"), 201)
    ok(clerk.post(base + "steps/expert_argument/complete/", {}, format="json"))

    waived = ok(
        clerk.post(
            base + "steps/risk_assessment/waive/",
            {"reason": "不涉及社会稳定风险", "article": "Art 22", "approver": org.sponsor_head.pk},
            format="json",
        )
    )
    assert waived["state"] == "waived"

    ok(head.post(base + "transitions/submit_for_review/", {}, format="json"))
    # The legality review is written and issued through the reviews services here (its own endpoints
    # are tested with the reviews API); the gate is the state machine's.
    from decisions.demo import issue_opinion

    issue_opinion(Decision.objects.get(pk=pk), org)
    ok(reviewer.post(base + "transitions/clear_for_meeting/", {}, format="json"))
    decided = ok(
        secretary.post(
            base + "transitions/record_outcome/",
            {
                "outcome": "approved",
                "meeting_type": "executive",
                "held_on": timezone.localdate().isoformat(),
                "attendees": "市长、副市长",
                "head_final_statement": "同意。",
            },
            format="json",
        )
    )
    assert decided["state"] == "decided"
    ok(
        secretary.post(
            base + "transitions/publish/",
            {
                "published_on": timezone.localdate().isoformat(),
                "document_number": "测政发〔2026〕1号",
                "in_gazette": True,
            },
            format="json",
        )
    )
    ok(secretary.post(base + "transitions/begin_implementation/", {"executing_unit": org.sponsor.pk}, format="json"))
    ok(
        secretary.post(
            base + "execution-reports/",
            {"reported_on": timezone.localdate().isoformat(), "progress": "已落实"},
            format="json",
        ),
        201,
    )
    ok(leader.post(base + "transitions/suspend/", {"reason": "督查要求"}, format="json"))
    ok(leader.post(base + "transitions/resume_implementation/", {}, format="json"))
    archived = ok(secretary.post(base + "transitions/archive/", {}, format="json"))
    assert archived["state"] == DecisionState.ARCHIVED

    events = DecisionEvent.objects.filter(decision_id=pk)
    assert events.filter(transition="archive").exists()
    assert not events.exclude(actor__isnull=False).exclude(transition="register").exists()
    history = ok(clerk.get(base + "events/?page_size=5"))
    assert len(history["results"]) == 5 and history["next_cursor"]
