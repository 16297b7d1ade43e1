"""A database constraint's refusal in words: every constraint of the project carries its own
translated ``violation_error_message`` (model validation shows it); when the database itself refuses
a write (a race past validation, a path that does not validate), the constraint's name in the error
finds the same message, so no reader ever meets a constraint's raw name.
"""

from __future__ import annotations

from django.apps import apps
from django.db import IntegrityError
from django.utils.translation import gettext as _


def constraint_message(name: str) -> str | None:
    """The message of the project's constraint called ``name``, if there is one."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name:
                return str(constraint.get_violation_error_message())
    return None


def integrity_message(exc: IntegrityError) -> str:
    """What an IntegrityError means to a person: its constraint's message, else a general one."""
    diag = getattr(exc.__cause__, "diag", None)  # psycopg names the constraint; SQLite does not
    name = getattr(diag, "constraint_name", None) or ""
    return (name and constraint_message(name)) or _("These values contradict each other.")
