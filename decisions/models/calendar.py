"""The holiday schedule an administrator enters; it wins over the chinesecalendar package
(``decisions.workdays``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions.models.base import TimeStamped


class CalendarDay(TimeStamped):
    """An administrator's entry of the holiday schedule; it wins over the chinesecalendar package.

    A year with at least one row counts as entered: load the State Council's notice for a year
    whole (``manage.py load_holidays``) rather than day by day. See ``decisions.workdays``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 国庆节, 国庆节调休上班"))
    note = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. the notice's number"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date} {kind} {self.name}".strip()


# The API's token model is part of this app (its table is decisions_apitoken) but lives beside the
# API's machinery; Django finds an app's models through this module, and that model imports the
# organisation models above, so it is imported last.
