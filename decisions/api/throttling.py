"""Rate limits per token: each connected system has its own budget, so one busy OA system cannot
starve another. People using the UI's session are limited per user, anonymous callers per address.

The budgets are counted in the shared cache (Redis, DJANGO_CACHE_URL). A rate limit protects the
service; it must not be the reason the service is down: when the cache cannot be reached, the request
is served unthrottled and a warning is logged (docs/security.md, "Production settings and bad input").
"""

from __future__ import annotations

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from decisions.models import ApiToken

logger = logging.getLogger(__name__)

try:  # redis-py is installed with celery[redis]; the memory cache of a bare install raises nothing.
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    CACHE_UNREACHABLE: tuple[type[BaseException], ...] = (_RedisConnectionError, _RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover
    CACHE_UNREACHABLE = (OSError,)


class PerTokenThrottle(SimpleRateThrottle):
    def __init__(self):
        # Scope and rate are chosen per request in allow_request.
        pass

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"throttle_token_{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle_user_{request.user.pk}"
        return f"throttle_anon_{self.get_ident(request)}"

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            self.scope = "token"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        self.rate = self.get_rate()
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_UNREACHABLE as error:
            # Fail open: the budget cannot be read or counted, so this request is not limited.
            logger.warning(
                "API throttling skipped: the cache is unreachable (%s: %s); %s %s served unthrottled.",
                type(error).__name__,
                error,
                request.method,
                request.path,
            )
            return True
