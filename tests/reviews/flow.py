"""Bringing a decision to a point of its review through the real services (test helpers)."""

from __future__ import annotations

from decisions import services
from decisions.models import DecisionState
from demo import builder as demo
from reviews import demo as review_demo
from reviews import services as review_services
from reviews.gates import current_review


def submitted(org, **overrides):
    """A decision of ``org`` with its three steps done, just submitted for review (round 1)."""
    decision = services.decision_register(**org.decision_kwargs(**overrides))
    return demo.walk(decision, DecisionState.LEGALITY_REVIEW, org)


def accepted(org, **overrides):
    """Submitted, its materials completed by the sponsor and accepted by the reviewer."""
    decision = submitted(org, **overrides)
    review_demo.complete_materials(decision, org)
    review_services.review_accept(decision=decision, actor=org.reviewer)
    return decision


def add_items(decision, org, count: int = 2) -> list:
    return [
        review_services.review_add_item(decision=decision, actor=org.reviewer, **review_demo.DEMO_ITEMS[i % 2])
        for i in range(count)
    ]


def issued(org, conclusion: str = "lawful", **overrides):
    """Accepted, written and issued by the office head with ``conclusion``."""
    decision = accepted(org, **overrides)
    if conclusion in ("lawful_with_changes", "unlawful"):
        add_items(decision, org)
    review_demo.hear_adviser(decision, org)
    review_services.review_record_opinion(
        decision=decision,
        actor=org.reviewer,
        conclusion=conclusion,
        reasons="主体、权限、程序、内容均经审查。",
        legal_risk="缺乏上位法明确依据。" if conclusion == "exploratory_with_risk" else "",
    )
    review_services.review_issue_opinion(decision=decision, actor=org.legal_head)
    return decision


def review_of(decision):
    return current_review(decision)


def submitted_with_waiver(org, kind: str = "expert_argument"):
    """Submitted with ``kind`` marked not applicable (requested by the clerk on the listed basis Art 19,
    approved by the sponsor's head), the other two steps done."""
    decision = services.decision_register(**org.decision_kwargs())
    services.decision_start(decision=decision, actor=org.secretary)
    steps = {
        "public_participation": demo.complete_participation,
        "expert_argument": demo.complete_expert_argument,
        "risk_assessment": demo.complete_risk_assessment,
    }
    for step_kind, complete in steps.items():
        if step_kind == kind:
            demo.waive(decision, kind, org, reason="事项专业技术性不强，有成熟标准可循。", article="Art 19")
        else:
            complete(decision, org)
    return services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
