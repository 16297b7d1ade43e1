"""Context processor for the top bar: the review menu is the legal office's (its reviewers, head
and advisers), as the queue it opens is; the pool of advisers is its reviewers' and head's. Both
are read from one question to the database, asked only when a page shows the menu."""

from __future__ import annotations

from functools import cache

from django.utils.functional import SimpleLazyObject

from decisions.models import Department, Membership
from reviews.access import LEGAL_OFFICE_ROLES, POOL_READERS


def review_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def roles() -> frozenset[str]:
        return frozenset(
            Membership.objects.filter(
                user=user, department__kind=Department.Kind.LEGAL_OFFICE, role__in=LEGAL_OFFICE_ROLES
            ).values_list("role", flat=True)
        )

    return {
        "review_menu": SimpleLazyObject(lambda: bool(roles())),
        "adviser_pool_menu": SimpleLazyObject(lambda: bool(roles() & POOL_READERS)),
    }
