"""The OpenAPI contract validates against the OpenAPI 3 specification, with no generator warnings."""

from django.core.management import call_command


def test_openapi_schema_validates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yml"

    # --validate checks the document against the OpenAPI 3 JSON schema; --fail-on-warn turns any
    # unresolved type or path into a failure (SystemExit).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    assert text.startswith("openapi: 3.")
    assert "/api/v1/decisions/{id}/transitions/clear_for_meeting/" in text
