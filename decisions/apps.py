from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Major administrative decisions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from decisions import sqlite_guards

        # SQLite only (the demo database): see decisions.sqlite_guards.
        pre_migrate.connect(sqlite_guards.drop, sender=self, dispatch_uid="decisions.sqlite_guards.drop")
        post_migrate.connect(sqlite_guards.create, sender=self, dispatch_uid="decisions.sqlite_guards.create")
        # Login, logout and failure signals: the session clock and the security log.
        from decisions.accounts import signals  # noqa: F401
