from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Major administrative decisions")

    def ready(self) -> None:
        # Login, logout and failure signals: the session clock and the security log.
        from decisions.accounts import signals  # noqa: F401
