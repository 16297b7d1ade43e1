"""Second review of the final text (二次审查): optional per government, after the meeting, before publication."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions import services as decision_services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState, Publication, RuleSettings
from demo import builder as demo
from reviews import services
from reviews.gates import publication_refusals
from reviews.models import FinalTextResult

PDF = b"%PDF-1.4\n%final\n%%EOF\n"


def _decided(org):
    decision = decision_services.decision_register(**org.decision_kwargs())
    return demo.walk(decision, DecisionState.DECIDED, org)


def _send(decision, org):
    return services.review_send_final_text(
        decision=decision, actor=org.secretary, text_kind="document", uploaded_file=SimpleUploadedFile("文件.pdf", PDF)
    )


def test_second_review_only_where_the_government_uses_it(org):
    decision = _decided(org)

    with pytest.raises(DecisionError) as refused:
        _send(decision, org)

    assert refused.value.rule == "second_review_enabled"
    assert publication_refusals(decision) == []


def test_publication_waits_for_the_second_review_where_required(org):
    RuleSettings.objects.create(government=org.government, second_review_enabled=True)
    decision = _decided(org)
    assert [r.rule for r in publication_refusals(decision)] == ["final_text_reviewed"]

    text = _send(decision, org)
    services.review_check_final_text(
        decision=decision,
        actor=org.reviewer,
        final_text_id=text.pk,
        result=FinalTextResult.CHANGES_NEEDED,
        notes="第三条表述与会议决定不一致。",
    )
    assert [r.rule for r in publication_refusals(decision)] == ["final_text_reviewed"]

    text = _send(decision, org)
    services.review_check_final_text(
        decision=decision, actor=org.reviewer, final_text_id=text.pk, result=FinalTextResult.CONSISTENT
    )
    assert publication_refusals(decision) == []


def test_second_review_is_recorded_by_the_legal_office(org):
    RuleSettings.objects.create(government=org.government, second_review_enabled=True)
    decision = _decided(org)
    text = _send(decision, org)

    with pytest.raises(DecisionError) as refused:
        services.review_check_final_text(
            decision=decision, actor=org.secretary, final_text_id=text.pk, result=FinalTextResult.CONSISTENT
        )

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_changes_needed_say_which(org):
    RuleSettings.objects.create(government=org.government, second_review_enabled=True)
    decision = _decided(org)
    text = _send(decision, org)

    with pytest.raises(DecisionError) as refused:
        services.review_check_final_text(
            decision=decision, actor=org.reviewer, final_text_id=text.pk, result=FinalTextResult.CHANGES_NEEDED
        )

    assert refused.value.code == ErrorCode.INVALID


def test_publish_refused_until_the_second_review_passes_where_required(org):
    RuleSettings.objects.create(government=org.government, second_review_enabled=True)
    decision = _decided(org)

    with pytest.raises(DecisionError) as refused:
        demo.walk(decision, DecisionState.PUBLISHED, org)

    assert refused.value.rule == "final_text_reviewed"
    decision.refresh_from_db()
    assert decision.state == DecisionState.DECIDED
    assert not Publication.objects.filter(decision=decision).exists()

    text = _send(decision, org)
    services.review_check_final_text(
        decision=decision, actor=org.reviewer, final_text_id=text.pk, result=FinalTextResult.CONSISTENT
    )
    decision = demo.walk(decision, DecisionState.PUBLISHED, org)
    assert decision.state == DecisionState.PUBLISHED
