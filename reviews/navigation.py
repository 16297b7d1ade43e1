"""Context processor for the top bar: the review menu is the legal office's (its reviewers, head
and advisers), as the queue it opens is; the pool of advisers is its reviewers' and head's; asked of the database only when a page shows the menu."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from reviews import access


def review_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "review_menu": SimpleLazyObject(lambda: bool(access.legal_office_governments(user))),
        "adviser_pool_menu": SimpleLazyObject(lambda: bool(access.adviser_pool_governments(user))),
    }
