"""The yearly catalogue as an act of the government (Art 3): the government office draws it up
from the registered decisions, records the Party committee's consent, publishes it, and from then
on changes it only by adjustments with reasons, each public. ``Decision.in_catalogue`` follows
what the published catalogue holds and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.choices import DepartmentKind, EventType, Role, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Catalogue, CatalogueAdjustment, CatalogueEntry, Decision, DecisionState, Government
from decisions.permissions import memberships
from decisions.services.base import _invalid, _require_text, lock_decision, record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


def _require_office(user: User, government: Government | int) -> None:
    """The government office keeps its government's catalogue (Art 3)."""
    office = memberships(user, government).filter(
        department__kind=DepartmentKind.GOVERNMENT_OFFICE, role=Role.GOVERNMENT_OFFICE
    )
    if not office.exists():
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only the government office keeps the catalogue."))


def _lock(catalogue: Catalogue | int) -> Catalogue:
    pk = catalogue.pk if isinstance(catalogue, Catalogue) else catalogue
    try:
        locked: Catalogue = Catalogue.objects.select_for_update().select_related("government").get(pk=pk)
    except Catalogue.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such catalogue.")) from None
    return locked


def _require_draft(catalogue: Catalogue) -> None:
    if catalogue.state != Catalogue.State.DRAFT:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("The catalogue is no longer a draft: change it by an adjustment with its reason."),
            article="Art 3",
            rule=RuleCode.CATALOGUE_DRAFT_ONLY,
        )


def _check_decision(catalogue: Catalogue, decision: Decision) -> None:
    if decision.government_id != catalogue.government_id:
        raise _invalid(_("The decision belongs to another government."), decision=_("Not of this government."))
    if decision.state == DecisionState.WITHDRAWN:
        raise _invalid(_("A withdrawn decision cannot enter the catalogue."), decision=_("Withdrawn."))


@transaction.atomic
def catalogue_draft(*, actor: User, government: Government, year: int) -> Catalogue:
    """The office opens (or finds) its government's draft catalogue of ``year``."""
    _require_office(actor, government)
    if not 2000 <= int(year) <= 2100:
        raise _invalid(_("Give a real catalogue year."), year=_("Give a real catalogue year."))
    catalogue, _created = Catalogue.objects.get_or_create(government=government, year=int(year))
    return catalogue


@transaction.atomic
def catalogue_include(*, actor: User, catalogue: Catalogue, decision: Decision) -> CatalogueEntry:
    """A registered decision is put into the draft catalogue."""
    catalogue = _lock(catalogue)
    _require_office(actor, catalogue.government_id)
    _require_draft(catalogue)
    _check_decision(catalogue, decision)
    entry, _created = CatalogueEntry.objects.get_or_create(catalogue=catalogue, decision=decision)
    return entry


@transaction.atomic
def catalogue_exclude(*, actor: User, catalogue: Catalogue, decision: Decision) -> None:
    """A decision is taken out of the draft again (nothing was public yet)."""
    catalogue = _lock(catalogue)
    _require_office(actor, catalogue.government_id)
    _require_draft(catalogue)
    CatalogueEntry.objects.filter(catalogue=catalogue, decision=decision).delete()


@transaction.atomic
def catalogue_approve(*, actor: User, catalogue: Catalogue, approved_on: dt.date, approval_reference: str) -> Catalogue:
    """Art 3: the catalogue is approved by the Party committee of the same level; its date and
    reference go on the record."""
    catalogue = _lock(catalogue)
    _require_office(actor, catalogue.government_id)
    _require_draft(catalogue)
    reference = _require_text(approval_reference, "approval_reference", _("Give the reference of the consent."))
    if not isinstance(approved_on, dt.date) or approved_on > timezone.localdate():
        raise _invalid(_("Give the day the consent was given."), approved_on=_("Give the day the consent was given."))
    if not catalogue.entries.exists():
        raise _invalid(_("An empty catalogue cannot be approved."))
    catalogue.state = Catalogue.State.APPROVED
    catalogue.approved_on = approved_on
    catalogue.approval_reference = reference
    catalogue.save(update_fields=["state", "approved_on", "approval_reference", "updated_at"])
    return catalogue


@transaction.atomic
def catalogue_publish(*, actor: User, catalogue: Catalogue, published_on: dt.date | None = None) -> Catalogue:
    """Art 3: the approved catalogue is made public; what it holds is now in the public catalogue."""
    catalogue = _lock(catalogue)
    _require_office(actor, catalogue.government_id)
    if catalogue.state != Catalogue.State.APPROVED:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Only a catalogue the Party committee approved can be published."),
            article="Art 3",
            rule=RuleCode.CATALOGUE_APPROVAL,
        )
    published_on = published_on or timezone.localdate()
    assert catalogue.approved_on is not None  # the approved state holds it (catalogue_approval_recorded)
    if published_on < catalogue.approved_on:
        raise _invalid(_("A catalogue is published after its approval."), published_on=_("Before the approval."))
    catalogue.state = Catalogue.State.PUBLISHED
    catalogue.published_on = published_on
    catalogue.save(update_fields=["state", "published_on", "updated_at"])
    listed = catalogue.entries.filter(status=CatalogueEntry.Status.LISTED).values("decision_id")
    Decision.objects.filter(pk__in=listed).update(in_catalogue=True, updated_at=timezone.now())
    return catalogue


# What each adjustment makes of the entry.
_ADJUSTED_STATUS = {
    CatalogueAdjustment.Kind.ADD: CatalogueEntry.Status.LISTED,
    CatalogueAdjustment.Kind.REMOVE: CatalogueEntry.Status.REMOVED,
    CatalogueAdjustment.Kind.DEFER: CatalogueEntry.Status.DEFERRED,
}


@transaction.atomic
def catalogue_adjust(
    *,
    actor: User | None,
    catalogue: Catalogue,
    decision: Decision,
    kind: str,
    reason: str,
    made_on: dt.date | None = None,
) -> CatalogueAdjustment:
    """Art 3: a published catalogue is changed only by an adjustment (add, remove, defer) with its
    reason and date, shown publicly. ``actor`` None is the product's own upkeep (the deferral limit)."""
    catalogue = _lock(catalogue)
    if actor is not None:
        _require_office(actor, catalogue.government_id)
    if catalogue.state != Catalogue.State.PUBLISHED:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("Only a published catalogue is adjusted; change a draft directly."),
            article="Art 3",
            rule=RuleCode.CATALOGUE_ADJUSTMENT,
        )
    if kind not in CatalogueAdjustment.Kind.values:
        raise _invalid(_("Choose add, remove or defer."), kind=_("Choose add, remove or defer."))
    text = _require_text(reason, "reason", _("Give the reason for the adjustment."))
    decision = lock_decision(decision)
    entry = CatalogueEntry.objects.filter(catalogue=catalogue, decision=decision).first()
    if kind == CatalogueAdjustment.Kind.ADD:
        _check_decision(catalogue, decision)
        if entry is not None and entry.status == CatalogueEntry.Status.LISTED:
            raise _invalid(_("The decision is already in the catalogue."), decision=_("Already listed."))
        entry = entry or CatalogueEntry(catalogue=catalogue, decision=decision)
    elif entry is None or entry.status == CatalogueEntry.Status.REMOVED:
        raise _invalid(_("The decision is not in the catalogue."), decision=_("Not in the catalogue."))
    entry.status = _ADJUSTED_STATUS[CatalogueAdjustment.Kind(kind)]
    entry.save()
    adjustment = CatalogueAdjustment.objects.create(
        catalogue=catalogue,
        decision=decision,
        kind=kind,
        reason=text,
        made_on=made_on or timezone.localdate(),
        made_by=actor,
    )
    in_catalogue = entry.status != CatalogueEntry.Status.REMOVED
    if decision.in_catalogue != in_catalogue:
        decision.in_catalogue = in_catalogue
        decision.save(update_fields=["in_catalogue", "updated_at"])
    record_event(
        decision,
        actor=actor,
        transition=EventType.CATALOGUE_ADJUST,
        from_state=decision.state,
        to_state=decision.state,
        comment=f"{adjustment.get_kind_display()}: {text}",
    )
    return adjustment


def catalogue_leave_published(decision: Decision, *, reason: str, made_on: dt.date) -> None:
    """The product's own upkeep (the deferral limit, ``decisions_drop_long_deferred``): the
    decision leaves the published catalogues that hold it, each with a public adjustment. The
    caller holds the decision's lock and writes the decision's event."""
    entries = (
        CatalogueEntry.objects.select_for_update()
        .filter(decision=decision, catalogue__state=Catalogue.State.PUBLISHED)
        .exclude(status=CatalogueEntry.Status.REMOVED)
    )
    for entry in entries:
        entry.status = CatalogueEntry.Status.REMOVED
        entry.save(update_fields=["status", "updated_at"])
        CatalogueAdjustment.objects.create(
            catalogue_id=entry.catalogue_id,
            decision=decision,
            kind=CatalogueAdjustment.Kind.REMOVE,
            reason=reason,
            made_on=made_on,
        )
