"""Every change to the record is an event that keeps the changed fields' values before and after.

The services take a ``snapshot`` of a record before they change it and again after; ``diff`` gives
the changed fields, stored in the event's details as ``{"record": "<app_label.model>", "changes":
[{"field", "before", "after"}, ...]}``; ``describe`` turns them back into lines a person reads, in
the reader's language (field names and choices are translated when shown, not when stored).

Values are stored as JSON: dates as ISO text, a related row by its name as it read at the time (a
department renamed later does not rewrite the history), several related rows as a list of names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

EMPTY = "—"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def snapshot(instance: models.Model | None, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The record's values of ``names`` as JSON (an absent record has none)."""
    if instance is None or instance.pk is None:
        return {name: None for name in names}
    out = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            related = getattr(instance, name).order_by("pk")
            out[name] = [str(item) for item in related]
        else:
            out[name] = _json_value(getattr(instance, name))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value changed, in the order of ``after``."""
    return [
        {"field": name, "before": before.get(name), "after": value}
        for name, value in after.items()
        if _blank(before.get(name)) != _blank(value)
    ]


def _blank(value: Any) -> Any:
    # An empty text, an empty list and nothing are the same absence.
    return None if value in ("", [], None) else value


def details(model: type[models.Model], changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"record": model._meta.label_lower, "changes": changes, **extra}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


def describe(details: dict[str, Any]) -> list[ChangeLine]:
    """The changes stored in an event's details, as the reader's language shows them."""
    changes = details.get("changes") or []
    try:
        model = apps.get_model(details.get("record", ""))
    except (LookupError, ValueError):
        model = None
    lines = []
    for change in changes:
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(change.get("field", ""))
            except FieldDoesNotExist:
                field = None
        label = str(getattr(field, "verbose_name", "") or change.get("field", ""))
        # A list field (e.g. the consultation methods) names its choices on the model.
        choices = {}
        if field is not None:
            choices = dict(field.flatchoices or getattr(model, "LIST_CHOICES", {}).get(field.name, ()))
        lines.append(ChangeLine(label, _display(choices, change.get("before")), _display(choices, change.get("after"))))
    return lines


def _display(choices: dict[Any, Any], value: Any) -> str:
    if _blank(value) is None:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return pgettext("list separator", ", ").join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))
