"""Keyset pagination on (created_at, id): a page is "the next N rows after this one", so rows added
while a client pages through never shift or repeat what it sees (unlike offsets)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class KeysetPagination(BasePagination):
    """Newest first, ordered by (-created_at, -id); the cursor is the last row's (created_at, id)."""

    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("Give a page size from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    @staticmethod
    def encode_cursor(created_at: dt.datetime, pk: int) -> str:
        raw = json.dumps([created_at.isoformat(), pk]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    # An encoded (timestamp, id) is under 80 characters; anything much longer is not a cursor.
    CURSOR_MAX_LENGTH = 200

    @classmethod
    def decode_cursor(cls, cursor: str) -> tuple[dt.datetime, int]:
        try:
            if len(cursor) > cls.CURSOR_MAX_LENGTH:
                raise ValueError
            padded = cursor + "=" * (-len(cursor) % 4)
            created, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
            moment = dt.datetime.fromisoformat(created)
            if moment.tzinfo is None or not isinstance(pk, int) or isinstance(pk, bool):
                raise ValueError
            return moment, pk
        except (ValueError, TypeError, binascii.Error, UnicodeError, json.JSONDecodeError):
            raise ValidationError({"cursor": [_("This cursor is not valid.")]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self._page_size(request)
        cursor = request.query_params.get(self.cursor_query_param)
        queryset = queryset.order_by("-created_at", "-id")
        if cursor:
            created_at, pk = self.decode_cursor(cursor)
            queryset = queryset.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
        rows = list(queryset[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.next_cursor = self.encode_cursor(rows[-1].created_at, rows[-1].pk) if self.has_next else None
        return rows

    def get_next_link(self) -> str | None:
        if not self.next_cursor:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "next_cursor": self.next_cursor, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results", "next", "next_cursor"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {"type": "string", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from the previous page's next_cursor.",
                "schema": {"type": "string", "maxLength": self.CURSOR_MAX_LENGTH},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (1–{self.max_page_size}, default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
