"""The OpenAPI contract: every operation documents the one error shape for every status the API
can answer with, so schema-driven clients (and the schemathesis run) can rely on it."""

from __future__ import annotations

import copy

from drf_spectacular.openapi import AutoSchema

from decisions import extensions

ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of the API.",
    "required": ["code", "detail"],
    "properties": {
        "code": {
            "type": "string",
            "description": "Machine-readable: invalid, unauthenticated, forbidden, not_found, wrong_state, rule, "
            "conflict, too_large, throttled, method_not_allowed, not_acceptable, unsupported_media_type.",
        },
        "detail": {"type": "string", "description": "For people, in the request's language."},
        "rule": {"type": "string", "description": "The named rule that refused the request."},
        "article": {"type": "string", "description": "The article of Order No. 713 the rule rests on, e.g. Art 25."},
        "article_label": {
            "type": "string",
            "description": "The article as people read it, in the request's language (第二十五条 / Art 25).",
        },
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per input field.",
        },
    },
}

ERROR_STATUSES = {
    "400": "Invalid input.",
    "401": "Not authenticated (no, unknown or revoked token).",
    "403": "Your role does not allow this.",
    "404": "Unknown, or outside what you may see.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Wrong state, refused by a statutory rule, or changed concurrently.",
    "413": "Upload too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests for this token.",
}


class ApiAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        tags = getattr(self.view, "schema_tags", None)
        return list(tags) if tags else super().get_tags()


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the Error component, and its responses on every operation; the rule
    codes and event types of every installed app (decisions.extensions) as enums."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    error = copy.deepcopy(ERROR_COMPONENT)
    error["properties"]["rule"]["enum"] = sorted(extensions.rule_labels())
    schemas["Error"] = error
    event = schemas.get("Event", {}).get("properties", {}).get("transition")
    if event is not None:
        event["enum"] = sorted(extensions.event_labels())
        event["description"] = "What the row records: a transition, a step's action, or another app's act."
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return result
