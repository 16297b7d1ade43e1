import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from decisions import services
from decisions.errors import DecisionError
from decisions.models import Catalogue, CatalogueAdjustment, CatalogueEntry, DecisionState, RuleSettings
from decisions.visibility import public_catalogue_decisions
from demo import builder as demo


def _deferred(org, on: dt.date):
    """A deferred decision that a published catalogue holds."""
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _approve(org, _catalogue(org, decision))
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue, published_on=dt.date(2026, 1, 10))
    decision = demo.walk(decision, DecisionState.DEFERRED, org)
    type(decision).objects.filter(pk=decision.pk).update(deferred_on=on)
    return decision


def test_decision_deferred_past_the_limit_leaves_the_catalogue(org):
    decision = _deferred(org, dt.date(2025, 1, 1))

    dropped = services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1))

    decision.refresh_from_db()
    assert dropped == 1
    assert decision.in_catalogue is False
    assert decision.state == DecisionState.DEFERRED
    assert decision.events.last().transition == "leave_catalogue"
    # The published catalogue shows it left, publicly, with the reason.
    assert CatalogueAdjustment.objects.get(decision=decision).kind == "remove"
    assert not public_catalogue_decisions().exists()


def test_decision_deferred_within_the_limit_stays_in_the_catalogue(org):
    decision = _deferred(org, dt.date(2025, 1, 2))

    assert services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1)) == 0

    decision.refresh_from_db()
    assert decision.in_catalogue is True


def test_deferral_limit_is_read_from_the_government_settings(org):
    RuleSettings.objects.create(government=org.government, deferral_limit_days=30)
    decision = _deferred(org, dt.date(2025, 12, 1))

    assert services.decisions_drop_long_deferred(today=dt.date(2026, 1, 1)) == 1

    decision.refresh_from_db()
    assert decision.in_catalogue is False


# --------------------------------------------------------------------------- the catalogue as an act (Art 3)


def _catalogue(org, *decisions):
    catalogue = services.catalogue_draft(
        actor=org.secretary, government=org.government, year=decisions[0].catalogue_year
    )
    for decision in decisions:
        services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=decision)
    return catalogue


def _approve(org, catalogue):
    return services.catalogue_approve(
        actor=org.secretary,
        catalogue=catalogue,
        approved_on=dt.date(2026, 1, 5),
        approval_reference="市委常委会2026年第1次会议",
    )


def test_registering_puts_nothing_in_the_public_catalogue(org):
    decision = services.decision_register(**org.decision_kwargs())

    assert decision.in_catalogue is False
    assert not public_catalogue_decisions().exists()


def test_draft_and_approved_catalogues_show_nothing(org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _catalogue(org, decision)
    assert not public_catalogue_decisions().exists()

    _approve(org, catalogue)

    assert not public_catalogue_decisions().exists()


def test_published_catalogue_shows_what_it_holds(org):
    listed = services.decision_register(**org.decision_kwargs())
    services.decision_register(**org.decision_kwargs(title="未列入目录的事项"))
    catalogue = _approve(org, _catalogue(org, listed))

    services.catalogue_publish(actor=org.secretary, catalogue=catalogue, published_on=dt.date(2026, 1, 10))

    assert list(public_catalogue_decisions()) == [listed]
    listed.refresh_from_db()
    assert listed.in_catalogue is True


def test_publication_refused_without_the_party_committees_consent(org):
    catalogue = _catalogue(org, services.decision_register(**org.decision_kwargs()))

    with pytest.raises(DecisionError) as refused:
        services.catalogue_publish(actor=org.secretary, catalogue=catalogue)

    assert (refused.value.rule, refused.value.article) == ("catalogue_approval", "Art 3")
    assert Catalogue.objects.get(pk=catalogue.pk).state == Catalogue.State.DRAFT


def test_only_the_government_office_keeps_the_catalogue(org):
    with pytest.raises(DecisionError) as refused:
        services.catalogue_draft(actor=org.clerk, government=org.government, year=2026)

    assert refused.value.code == "forbidden"


def test_published_catalogue_changes_only_by_a_public_adjustment(org):
    decision = services.decision_register(**org.decision_kwargs())
    later = services.decision_register(**org.decision_kwargs(title="年中增补事项"))
    catalogue = _approve(org, _catalogue(org, decision))
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue, published_on=dt.date(2026, 1, 10))

    with pytest.raises(DecisionError) as refused:
        services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=later)
    assert refused.value.rule == "catalogue_draft_only"

    services.catalogue_adjust(
        actor=org.secretary, catalogue=catalogue, decision=later, kind="add", reason="市政府常务会议决定增补。"
    )
    services.catalogue_adjust(
        actor=org.secretary,
        catalogue=catalogue,
        decision=decision,
        kind="remove",
        reason="情况变化，不再作为重大行政决策。",
    )

    assert list(public_catalogue_decisions()) == [later]
    assert list(CatalogueAdjustment.objects.values_list("kind", flat=True)) == ["add", "remove"]
    assert decision.events.filter(transition="catalogue_adjust").exists()


def test_adjustment_refused_without_a_reason(org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _approve(org, _catalogue(org, decision))
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue, published_on=dt.date(2026, 1, 10))

    with pytest.raises(DecisionError) as refused:
        services.catalogue_adjust(actor=org.secretary, catalogue=catalogue, decision=decision, kind="defer", reason=" ")

    assert "reason" in refused.value.fields
    assert not CatalogueAdjustment.objects.exists()


def test_catalogue_adjustment_only_of_a_published_catalogue_art_3(org):
    decision = services.decision_register(**org.decision_kwargs())
    draft = _catalogue(org, decision)

    with pytest.raises(DecisionError) as refused:
        services.catalogue_adjust(actor=org.secretary, catalogue=draft, decision=decision, kind="defer", reason="推迟")

    assert (refused.value.rule, refused.value.article) == ("catalogue_adjustment", "Art 3")
    assert not CatalogueAdjustment.objects.exists()


def test_the_office_draws_up_approves_publishes_and_adjusts_on_its_page(client, org):
    decision = services.decision_register(**org.decision_kwargs())
    client.force_login(org.secretary)
    url = "/catalogues/"

    assert client.post(url, {"action": "draft", "year": decision.catalogue_year}).status_code == 302
    catalogue = Catalogue.objects.get()
    assert (
        client.post(url, {"action": "include", "catalogue": catalogue.pk, "decision": decision.pk}).status_code == 302
    )
    refused = client.post(url, {"action": "approve", "catalogue": catalogue.pk, "approved_on": "2026-01-05"})
    assert refused.status_code == 400  # the reference of the consent is missing
    consent = {
        "action": "approve",
        "catalogue": catalogue.pk,
        "approved_on": "2026-01-05",
        "approval_reference": "市委批复",
    }
    assert client.post(url, consent).status_code == 302
    assert client.post(url, {"action": "publish", "catalogue": catalogue.pk}).status_code == 302
    adjust = {
        "action": "adjust",
        "catalogue": catalogue.pk,
        "decision": decision.pk,
        "kind": "defer",
        "reason": "暂缓。",
    }
    assert client.post(url, adjust).status_code == 302

    assert Catalogue.objects.get().state == Catalogue.State.PUBLISHED
    assert CatalogueAdjustment.objects.get().kind == "defer"
    client.force_login(org.clerk)
    assert client.get(url).status_code == 404  # a sponsor does not keep the catalogue


# --------------------------------------------------------------------------- the database keeps the act (migration 0022)


def _db_refused(write) -> str:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    return str(refused.value)


def _sql(statement: str, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, list(params))

    return run


def test_published_catalogue_its_entries_and_adjustments_are_kept_on_every_road(org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _approve(org, _catalogue(org, decision))
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue, published_on=dt.date(2026, 1, 10))
    adjustment = services.catalogue_adjust(
        actor=org.secretary, catalogue=catalogue, decision=decision, kind="defer", reason="条件尚不成熟。"
    )
    entries = CatalogueEntry.objects.filter(catalogue=catalogue)
    adjustments = CatalogueAdjustment.objects.filter(pk=adjustment.pk)

    catalogues = Catalogue.objects.filter(pk=catalogue.pk)
    assert "catalogue_final_once_published" in _db_refused(lambda: catalogues.update(approval_reference="改"))
    assert "catalogue_final_once_published" in _db_refused(
        _sql("DELETE FROM decisions_catalogue WHERE id = %s", catalogue.pk)
    )
    assert "catalogue_entry_kept" in _db_refused(entries.delete)
    assert "catalogue_entry_follows_catalogue" in _db_refused(
        lambda: entries.update(decision=services.decision_register(**org.decision_kwargs()))
    )
    assert "catalogue_adjustment_append_only" in _db_refused(lambda: adjustments.update(reason="改写"))
    assert "catalogue_adjustment_append_only" in _db_refused(
        _sql("DELETE FROM decisions_catalogueadjustment WHERE catalogue_id = %s", catalogue.pk)
    )
    assert CatalogueAdjustment.objects.get(pk=adjustment.pk).reason == "条件尚不成熟。"


def test_approved_catalogue_keeps_its_consent_and_its_entries(org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _approve(org, _catalogue(org, decision))
    catalogues = Catalogue.objects.filter(pk=catalogue.pk)

    assert "catalogue_approval_kept" in _db_refused(lambda: catalogues.update(state="draft"))
    assert "catalogue_approval_kept" in _db_refused(lambda: catalogues.update(approval_reference="改"))
    assert "catalogue_approval_kept" in _db_refused(_sql("DELETE FROM decisions_catalogue WHERE id = %s", catalogue.pk))
    assert "catalogue_entry_kept" in _db_refused(CatalogueEntry.objects.filter(catalogue=catalogue).delete)
    assert "catalogue_entry_follows_catalogue" in _db_refused(
        lambda: CatalogueEntry.objects.filter(catalogue=catalogue).update(status="removed")
    )


def test_admin_changes_no_catalogue(admin_client, org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = _approve(org, _catalogue(org, decision))

    response = admin_client.post(
        reverse("admin:decisions_catalogue_change", args=[catalogue.pk]), {"approval_reference": "改"}
    )

    assert response.status_code == 403
    catalogue.refresh_from_db()
    assert catalogue.approval_reference != "改"
