"""Submission, the materials checklist, supplements, acceptance, return and rounds (Art 26)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions import services as decision_services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Attachment, DecisionEvent, DecisionState, StepKind
from demo import builder as demo
from reviews import demo as review_demo
from reviews import services
from reviews.gates import materials_missing
from reviews.models import MaterialKind, Stage
from tests.reviews.conftest import START
from tests.reviews.flow import accepted, review_of, submitted

PDF = b"%PDF-1.4\n%test\n%%EOF\n"


def test_submission_opens_a_round_with_the_materials_checklist_attached_automatically(org):
    decision = decision_services.decision_register(
        **org.decision_kwargs(legal_basis="《中华人民共和国价格法》第二十三条")
    )
    decision_services.decision_start(decision=decision, actor=org.secretary)
    draft = decision_services.attachment_upload(
        decision=decision,
        actor=org.clerk,
        uploaded_file=SimpleUploadedFile("草案.pdf", PDF),
        kind=Attachment.Kind.DRAFT,
    )
    demo.settle_steps(decision, org)
    decision_services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    review = review_of(decision)
    materials = list(review.materials.all())
    assert review.round == 1
    assert [m.attachment for m in materials if m.kind == MaterialKind.DRAFT] == [draft]
    assert [m.text for m in materials if m.kind == MaterialKind.LEGAL_BASIS] == ["《中华人民共和国价格法》第二十三条"]
    assert {m.step.kind for m in materials if m.kind == MaterialKind.PROCEDURE} == set(StepKind.values)
    assert all(m.automatic for m in materials)
    assert materials_missing(review) == [MaterialKind.EXPLANATION]


def test_acceptance_refused_while_materials_are_incomplete(org):
    decision = submitted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_accept(decision=decision, actor=org.reviewer)

    assert refused.value.code == ErrorCode.RULE
    assert (refused.value.rule, refused.value.article) == ("materials_complete", "Art 26")
    assert review_of(decision).accepted_on is None


def test_sponsor_completes_the_materials_then_the_office_accepts(org):
    decision = submitted(org)
    assert review_of(decision).stage(latest=True) == Stage.SUBMITTED

    review_demo.complete_materials(decision, org)
    review = services.review_accept(decision=decision, actor=org.reviewer)

    assert materials_missing(review) == []
    assert review.accepted_on == START
    assert review.assigned_to == org.reviewer  # the reviewer who accepts takes it
    assert review.stage(latest=True) == Stage.IN_REVIEW
    assert DecisionEvent.objects.filter(decision=decision, transition="review_accept", actor=org.reviewer).exists()


def test_only_the_sponsor_adds_materials(org):
    decision = submitted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_add_material(decision=decision, actor=org.reviewer, kind=MaterialKind.LEGAL_BASIS, text="x")

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_acceptance_waits_for_an_open_request_for_supplements(org):
    decision = submitted(org)
    review_demo.complete_materials(decision, org)
    services.review_request_supplement(decision=decision, actor=org.reviewer, missing="请补充专家论证会议纪要。")
    assert review_of(decision).stage(latest=True) == Stage.AWAITING_SUPPLEMENT

    with pytest.raises(DecisionError) as refused:
        services.review_accept(decision=decision, actor=org.reviewer)
    assert refused.value.rule == "supplement_answered"

    services.review_answer_supplement(decision=decision, actor=org.clerk, answer="已补充会议纪要。")
    assert services.review_accept(decision=decision, actor=org.reviewer).is_accepted


def test_incomplete_submission_can_be_returned_to_the_sponsor(org):
    decision = submitted(org)

    services.review_return(decision=decision, actor=org.reviewer, reason="缺少起草说明。")

    decision.refresh_from_db()
    review = review_of(decision)
    assert decision.state == DecisionState.PREPARING
    assert review.return_reason == "缺少起草说明。"
    assert review.stage(latest=True) == Stage.RETURNED
    assert decision.events.filter(transition="return_for_revision", comment="缺少起草说明。").exists()


def test_each_resubmission_is_a_new_round_with_the_history_kept(org):
    decision = submitted(org)
    services.review_return(decision=decision, actor=org.reviewer, reason="缺少起草说明。")

    decision_services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    rounds = list(decision.reviews.order_by("round"))
    assert [r.round for r in rounds] == [1, 2]
    assert rounds[0].return_reason == "缺少起草说明。"
    assert rounds[0].stage(latest=False) == Stage.RETURNED
    assert rounds[1].stage(latest=True) == Stage.SUBMITTED
    assert rounds[1].materials.filter(kind=MaterialKind.PROCEDURE).count() >= 3


def test_round_returned_outside_the_review_app_is_closed_on_resubmission(org):
    decision = submitted(org)
    decision_services.decision_return_for_revision(decision=decision, actor=org.reviewer, reason="退回。")
    decision.refresh_from_db()

    assert review_of(decision).stage(latest=True) == Stage.RETURNED
    decision_services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    assert review_of(decision).round == 2


def test_acceptance_is_the_legal_offices(org):
    decision = submitted(org)
    review_demo.complete_materials(decision, org)

    with pytest.raises(DecisionError) as refused:
        services.review_accept(decision=decision, actor=org.sponsor_head)

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_accepted_submission_cannot_be_accepted_twice(org):
    decision = accepted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_accept(decision=decision, actor=org.reviewer)

    assert refused.value.code == ErrorCode.WRONG_STATE
