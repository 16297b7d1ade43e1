"""Path converters of /api/v1/, registered on import: every app's API routes import this module."""

from django.urls import register_converter

from decisions.api.serializers import MAX_ID
from decisions.models import StepKind


class IdConverter:
    """Database ids: digits that fit PostgreSQL's bigint, so no lookup can overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class StepKindConverter:
    regex = "|".join(StepKind.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
register_converter(StepKindConverter, "step_kind")
assert MAX_ID < 10**18
