"""Art 31: the decision the meeting approved is reported to the Party committee; where the
government requires it (``party_committee_report_required``), publication waits for the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from decisions import integrity, selectors, services
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionEvent, DecisionState, PartyCommitteeReport, RuleSettings
from tests.factories import decision_in, publication_values, snapshot

pytestmark = pytest.mark.django_db


def _require_report(government):
    RuleSettings.objects.update_or_create(government=government, defaults={"party_committee_report_required": True})


def _report(org, decision, **overrides):
    values = {"reported_on": timezone.localdate(), "document_number": "测委办〔2026〕3号", **overrides}
    return services.party_committee_report_record(decision=decision, actor=org.secretary, **values)


def test_publication_refused_without_party_committee_report_when_required(org):
    decision = decision_in(org, DecisionState.DECIDED)
    _require_report(org.government)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.decision_publish(decision=decision, actor=org.secretary, **publication_values())

    assert exc.value.rule == RuleCode.PARTY_COMMITTEE_REPORTED
    assert exc.value.article == "Art 31"
    assert snapshot(decision) == before


def test_publication_after_the_report_when_required(org):
    decision = decision_in(org, DecisionState.DECIDED)
    _require_report(org.government)

    report = _report(org, decision)
    services.decision_publish(decision=decision, actor=org.secretary, **publication_values())

    decision.refresh_from_db()
    assert decision.state == DecisionState.PUBLISHED
    assert report.meeting == decision.meetings.get()
    assert DecisionEvent.objects.filter(decision=decision, transition=EventType.REPORT_TO_PARTY_COMMITTEE).exists()


def test_publish_button_names_the_missing_report(org):
    decision = decision_in(org, DecisionState.DECIDED)
    _require_report(org.government)
    decision = selectors.decision_detail(org.secretary, decision.pk)

    option = next(o for o in selectors.available_transitions(org.secretary, decision) if o.name == "publish")

    assert not option.allowed
    assert RuleCode.PARTY_COMMITTEE_REPORTED in {r.rule for r in option.refusals}


def test_publication_needs_no_report_where_not_required(org):
    decision = decision_in(org, DecisionState.PUBLISHED)

    assert decision.state == DecisionState.PUBLISHED


@pytest.mark.parametrize("days", [1, -1], ids=["in-the-future", "before-the-meeting"])
def test_report_dated_in_the_future_or_before_the_meeting_is_refused(org, days):
    decision = decision_in(org, DecisionState.DECIDED)
    held_on = decision.meetings.get().held_on
    reported_on = timezone.localdate() + dt.timedelta(days=1) if days > 0 else held_on - dt.timedelta(days=1)

    with pytest.raises(DecisionError) as exc:
        _report(org, decision, reported_on=reported_on)

    assert exc.value.rule == RuleCode.PARTY_COMMITTEE_REPORT_DATE
    assert not PartyCommitteeReport.objects.exists()


def test_report_only_by_the_government_office_and_only_once_decided(org):
    decision = decision_in(org, DecisionState.DECIDED)
    with pytest.raises(DecisionError) as exc:
        services.party_committee_report_record(
            decision=decision, actor=org.clerk, reported_on=timezone.localdate(), document_number="x"
        )
    assert exc.value.code == ErrorCode.FORBIDDEN

    awaiting = decision_in(org, DecisionState.AWAITING_DECISION)
    with pytest.raises(DecisionError) as exc:
        _report(org, awaiting)
    assert exc.value.code == ErrorCode.WRONG_STATE


def test_integrity_flags_published_without_required_report(org):
    decision = decision_in(org, DecisionState.PUBLISHED)
    assert not [f for f in integrity.findings_for(decision) if f.rule == RuleCode.PARTY_COMMITTEE_REPORTED]

    _require_report(org.government)

    findings = [f for f in integrity.findings_for(decision) if f.rule == RuleCode.PARTY_COMMITTEE_REPORTED]
    assert findings and findings[0].article == "Art 31"


def test_the_report_is_shown_on_the_decision_page(client, org):
    decision = decision_in(org, DecisionState.DECIDED)
    _report(org, decision)
    client.force_login(org.leader)

    page = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()

    assert "测委办〔2026〕3号" in page


def test_the_report_is_final(org):
    decision = decision_in(org, DecisionState.DECIDED)
    report = _report(org, decision)

    with pytest.raises(PermissionError):
        report.save()
    # Raw SQL too: the database refuses to change or remove the report (migration 0034).
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_partycommitteereport SET document_number = 'x' WHERE id = %s", [report.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_partycommitteereport WHERE id = %s", [report.pk])
    report.refresh_from_db()
    assert report.document_number == "测委办〔2026〕3号"


def test_the_government_office_records_the_report_from_the_decision_page(client, org):
    decision = decision_in(org, DecisionState.DECIDED)
    client.force_login(org.secretary)

    response = client.post(
        reverse("decisions:party_committee_report_record", args=[decision.pk]),
        {"pcr-reported_on": timezone.localdate().isoformat(), "pcr-document_number": "测委办〔2026〕9号"},
    )

    assert response.status_code == 302
    assert PartyCommitteeReport.objects.get(decision=decision).document_number == "测委办〔2026〕9号"
