"""The schemas of the sandbox's OpenAPI description (openapi.py): the records, as the
sandbox answers them. Kantata's own description types text fields as strings and a value's
`value` as a string; the recordings have `null` text and typed values, and so does this."""

from typing import Any

from kantata_admin.sandbox.api.params import MAX_ID

ERRORS_REF = {"$ref": "#/components/schemas/Errors"}
ERROR_STATUSES = {
    "400": "Bad request (a malformed parameter or body)",
    "401": "Missing, unknown, revoked or expired token",
    "403": "The user may not do this",
    "404": "No such record or route",
    "413": "Body over 1 MiB",
    "422": "Validation failed",
    "429": "Rate limited",
    "503": "Unavailable",
}


def text(max_length: int | None = None, *, nullable: bool = True) -> dict:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    if max_length:
        schema["maxLength"] = max_length
    return schema


ID = {"type": "string", "pattern": "^[0-9]+$"}
IDS = {"type": "array", "items": ID}
TIME = {"type": ["string", "null"], "format": "date-time"}
INT_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

RECORDS: dict[str, dict] = {
    "WorkspaceGroup": {
        "required": ["id", "name", "company", "created_at", "updated_at"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "company": {"type": "boolean"},
            **{f: text() for f in ("notes", "contact_name", "email", "phone_number")},
            **{f: text() for f in ("address", "website")},
            "created_at": TIME,
            "updated_at": TIME,
            "can_edit": {"type": "boolean"},
            "workspace_ids": IDS,
            "rate_card_set_ids": IDS,
            "external_reference_ids": IDS,
            "custom_field_value_ids": IDS,
        },
    },
    "Workspace": {
        "required": ["id", "title"],
        "properties": {
            "id": ID,
            "title": {"type": "string"},
            "account_id": {"type": "integer"},
            "archived": {"type": "boolean"},
            "start_date": {"type": "string"},
            "due_date": {"type": "string"},
        },
    },
    "RateCardSet": {"required": ["id", "title"], "properties": {"id": ID, "title": text()}},
    "ExternalReference": {
        "required": ["id", "service_name"],
        "properties": {"id": ID, "subject_id": {"type": "integer"}, "locked": {"type": "boolean"}},
    },
    "User": {"required": ["id"], "properties": {"id": ID, "account_id": ID}},
    "CustomField": {
        "required": ["id", "name", "value_type", "read_access", "write_access"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "value_type": {"enum": ["string", "date", "number", "currency", "single", "multi"]},
            "subject_type": {"type": "string"},
            "default_text": text(),
            "read_access": {"type": "string"},
            "write_access": {"type": "string"},
            "unique_constraint": {"type": "boolean"},
            "values_count": {"type": "integer", "minimum": 0},
            "created_at": TIME,
            "updated_at": TIME,
            "creator_id": {"type": ["string", "null"]},
            "custom_field_set_id": {"type": ["string", "null"]},
            "choice_ids": IDS,
        },
    },
    "CustomFieldChoice": {
        "required": ["id", "label", "position", "created_at", "updated_at"],
        "properties": {
            "id": ID,
            "label": {"type": "string"},
            "position": {"type": "integer"},
            "created_at": TIME,
            "updated_at": TIME,
            "custom_field_id": ID,
        },
    },
    "CustomFieldValue": {
        "required": ["id", "subject_type", "subject_id", "value", "display_value", "can_edit"],
        "properties": {
            "id": ID,
            "subject_type": {"type": "string"},
            "subject_id": {"type": "integer"},
            "account_id": {"type": "integer"},
            # Typed by the field: "foo", "2014-02-25", 13, [99800, "USD"], [1, 2].
            "value": {"type": ["string", "number", "array", "null"]},
            "display_value": {"type": "string"},
            "custom_field_name": {"type": "string"},
            "type": {"type": "string"},
            "can_edit": {"type": "boolean"},
            "created_at": TIME,
            "updated_at": TIME,
            "custom_field_id": ID,
            "setter_id": {"type": ["string", "null"]},
            "selected_choice_ids": IDS,
            "external_reference_ids": IDS,
            "subject_ref": {"type": ["object", "null"]},
        },
    },
}
