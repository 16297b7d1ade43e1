"""Who may see a review and who may act in it.

The legal office's own actions use ``decisions.permissions`` ("review_write": its reviewers and
head; "review_issue": its head). This module adds what that table does not hold: who may *see* a
review (the decision's sponsors, its government's legal office and government office; never another
government, never another department's draft), the sponsor's side of the review, and the advisers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from decisions import permissions, visibility
from decisions.models import Decision, Department, Government, Membership, Role
from reviews.models import AdviserOpinion

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


LEGAL_OFFICE_ROLES = frozenset({Role.LEGAL_REVIEWER, Role.LEGAL_HEAD, Role.LEGAL_ADVISER})
# Who reads the pool of advisers: the office's staff (an adviser is consulted, not the pool's keeper).
POOL_READERS = frozenset({Role.LEGAL_REVIEWER, Role.LEGAL_HEAD})


def _memberships(user: User, government_id: int):
    if not user or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, department__government_id=government_id)


def may_see(user: User, decision: Decision) -> bool:
    """The review is seen by whoever sees the decision (``decisions.visibility``): its sponsors, and
    its government's legal office, office and leaders."""
    return visibility.may_see(user, decision)


def may_write(user: User, decision: Decision, *, held: permissions.Held | None = None) -> bool:
    return permissions.may(user, "review_write", decision, held=held)


def may_issue(user: User, decision: Decision, *, held: permissions.Held | None = None) -> bool:
    return permissions.may(user, "review_issue", decision, held=held)


def may_answer(user: User, decision: Decision, *, held: permissions.Held | None = None) -> bool:
    """The sponsor's side of the review (materials, supplements, answers to the items): the lead
    sponsor's clerks and head, who also record its preparatory steps."""
    return permissions.may(user, "step", decision, held=held)


def may_send_final_text(user: User, decision: Decision) -> bool:
    """The text to be issued comes from the lead sponsor or the government office."""
    return may_answer(user, decision) or (
        _memberships(user, decision.government_id)
        .filter(role=Role.GOVERNMENT_OFFICE, department__kind=Department.Kind.GOVERNMENT_OFFICE)
        .exists()
    )


def is_adviser(user: User, decision: Decision) -> bool:
    return (
        _memberships(user, decision.government_id)
        .filter(role=Role.LEGAL_ADVISER, department__kind=Department.Kind.LEGAL_OFFICE)
        .exists()
    )


def adviser_pool_governments(user: User) -> list[Government]:
    """The governments whose pool of advisers ``user`` reads: those whose legal office they staff
    as a reviewer or its head."""
    return legal_office_governments(user, roles=POOL_READERS)


def legal_office_governments(user: User, *, roles=LEGAL_OFFICE_ROLES) -> list[Government]:
    """The governments whose legal office ``user`` works in (the review queue's scope)."""

    if not user or not user.is_authenticated:
        return []
    staffs = Membership.objects.filter(
        user_id=user.pk,
        role__in=POOL_READERS,
        department__kind=Department.Kind.LEGAL_OFFICE,
        department__government=OuterRef("pk"),
    )
    return list(
        Government.objects.filter(
            departments__kind=Department.Kind.LEGAL_OFFICE,
            departments__memberships__user=user,
            departments__memberships__role__in=roles,
        )
        # Whether the user staffs that office (reviewer or head) rather than only advising it: the
        # menu of the pool of advisers is read from it on the queue's page.
        .annotate(staffed=Exists(staffs))
        .distinct()
    )


def staffed_governments(user: User):
    """The ids of the governments whose legal office ``user`` staffs as a reviewer or its head, as a
    subquery (an adviser is not staff: they see only what they were asked about)."""
    return Membership.objects.filter(
        user_id=user.pk, role__in=POOL_READERS, department__kind=Department.Kind.LEGAL_OFFICE
    ).values("department__government_id")


def decisions_asked_of(user: User):
    """The decisions whose review asked ``user`` for an opinion, the request not withdrawn (Art 28):
    what a legal adviser sees (``decisions.extensions.provide_audience``)."""
    return AdviserOpinion.objects.filter(adviser_id=user.pk, withdrawn_at__isnull=True).values("review__decision_id")
