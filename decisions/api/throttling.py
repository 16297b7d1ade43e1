"""Rate limits per token: each connected system has its own budget, so one busy OA system cannot
starve another. People using the UI's session are limited per user, anonymous callers per address."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from decisions.models import ApiToken


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
        return super().allow_request(request, view)
