"""Expected refusals in the server's log as one line each.

A refused request (403 for a page that is not the user's, a ``DecisionError`` that reached the
request handler) is the product working, not failing: its traceback would bury the real errors in
the console. This filter of the ``django.request`` logger drops the traceback of those and keeps
the line, with the reason added; any other exception keeps its traceback.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from decisions.errors import DecisionError

EXPECTED = (PermissionDenied, DecisionError, Http404)


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, EXPECTED):
            record.msg = f"{record.getMessage()} — {exc}" if str(exc) else record.getMessage()
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
