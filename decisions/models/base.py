"""What every model of the project carries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WriteOnceQuerySet(models.QuerySet):
    """Rows written once and kept as written: no bulk update or delete either."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.label} rows are written once: a correction is a new row.")

    def delete(self):
        raise PermissionError(f"{self.model._meta.label} rows are written once: a correction is a new row.")


class WriteOnce(models.Model):
    """A row saved once, never updated or deleted through the ORM (the event log, Art 38–41; the
    meeting record, Art 30). The database holds the same rule with triggers (migration 0018)."""

    objects = WriteOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(f"{self._meta.label} rows are written once: a correction is a new row.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} rows are written once: a correction is a new row.")
