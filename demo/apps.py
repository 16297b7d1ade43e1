from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of `make run` (seed_demo): built through every app's services, so it sits on
    top of them all and nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")
