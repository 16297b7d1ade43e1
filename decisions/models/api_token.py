"""API tokens for the systems (OA, 办公自动化) that connect to the tracker.

A token is issued by an administrator to a service account of one department and acts as that
account: every action it takes is checked by the same services and roles as a person's, and the
event log names the account. "Scoped to a department" is an invariant of the account, checked when
the token is issued and again on every request: the account holds roles in that department only,
so no permission can reach it through another department. Only a SHA-256 digest of the key is
stored; the key itself is shown once, when it is issued.

A token expires DT_API_TOKEN_DAYS after it is issued (等保 2.0: credentials are changed
periodically); before then it is rotated (a new key for the same system, the old one revoked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models.base import TimeStamped
from decisions.models.organisation import Department


class ApiToken(TimeStamped):
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. 市司法局OA."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    key_prefix = models.CharField(_("key prefix"), max_length=12, help_text=_("The first characters of the key."))
    key_digest = models.CharField(_("key digest (SHA-256)"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        app_label = "decisions"
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
