"""The API's JSON parser: DRF's, with one more refusal. Python's json module raises RecursionError
on a document nested about a thousand levels deep, which DRF does not catch (a 500); here it is bad
input like any other malformed JSON (400, in the one error shape)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
