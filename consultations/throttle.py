"""Rate limits of the comment form, per address and per consultation, counted in the shared cache.
Like the API's throttling (``decisions.api.throttling``), a limit protects the service and must not
take it down: when the cache cannot be reached the comment is taken and a warning logged."""

from __future__ import annotations

import logging

from django.core.cache import cache

from decisions.api.throttling import CACHE_UNREACHABLE

logger = logging.getLogger(__name__)

# (comments, seconds): one person writes a few comments; a consultation takes many, not a flood.
PER_ADDRESS = (10, 600)
PER_CONSULTATION = (600, 60)


def _take(key: str, limit: tuple[int, int]) -> bool:
    allowed, seconds = limit
    if cache.add(key, 1, seconds):
        return True
    try:
        return int(cache.incr(key)) <= allowed
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return True


def comment_allowed(*, ip: str | None, consultation_id: int) -> bool:
    """Whether one more comment from ``ip`` on this consultation is within the limits."""
    try:
        by_consultation = _take(f"comment_consultation_{consultation_id}", PER_CONSULTATION)
        by_address = _take(f"comment_ip_{ip}", PER_ADDRESS) if ip else True
    except CACHE_UNREACHABLE as error:
        logger.warning("Comment rate limits skipped: the cache is unreachable (%s: %s).", type(error).__name__, error)
        return True
    return by_consultation and by_address
