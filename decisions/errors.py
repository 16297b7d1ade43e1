"""The one domain error type. Every refusal carries a code, a translatable message and, where a
rule of Order No. 713 (or a local rule) is the reason, the article it rests on.

Entry points map the code to an HTTP answer once (see STATUS_FOR_CODE); nothing else decides it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    INVALID = "invalid", _("Invalid input")
    FORBIDDEN = "forbidden", _("Not allowed for your role")
    NOT_FOUND = "not_found", _("Not found")
    WRONG_STATE = "wrong_state", _("Not possible in the current state")
    RULE = "rule", _("Refused by a statutory rule")
    CONFLICT = "conflict", _("Changed by someone else at the same time")
    TOO_LARGE = "too_large", _("File too large")


STATUS_FOR_CODE = {
    ErrorCode.INVALID: 400,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.WRONG_STATE: 409,
    ErrorCode.RULE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.TOO_LARGE: 413,
}


class DecisionError(Exception):
    """A refused action. Nothing has been changed when this is raised (services run atomically)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        article: str = "",
        rule: str = "",
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = ErrorCode(code)
        self.message = message
        self.article = article
        self.rule = rule
        self.fields = fields or {}

    @property
    def status(self) -> int:
        return STATUS_FOR_CODE[self.code]

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"code": self.code.value, "detail": str(self.message)}
        if self.rule:
            data["rule"] = self.rule
        if self.article:
            data["article"] = self.article
        if self.fields:
            data["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return data

    def __str__(self) -> str:
        text = str(self.message)
        return f"{text} ({self.article})" if self.article else text


class Refusal:
    """Why a gate is closed or an input is refused: a named rule, its article, a message for people
    and, where one field of the input is at fault, its name (so forms mark it)."""

    __slots__ = ("rule", "article", "message", "field")

    def __init__(self, rule: str, message: str, article: str = "", *, field: str = "") -> None:
        self.rule = rule
        self.article = article
        self.message = message
        self.field = field

    def as_error(self, code: ErrorCode = ErrorCode.RULE) -> DecisionError:
        fields = {self.field: [self.message]} if self.field else None
        return DecisionError(code, self.message, article=self.article, rule=self.rule, fields=fields)

    def __repr__(self) -> str:
        return f"Refusal({self.rule!r}, {self.article!r})"
