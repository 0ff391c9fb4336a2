"""The OpenAPI description of what the sandbox emulates, served at `/api/v1/openapi.json`.

Written here from the facts Kantata documents (parameters, limits, includes, record fields)
and from the answers recorded from the real service; where the two disagree the recordings
win and docs/sandbox.md says so (text fields answer `null`, access levels are names, a
value's `value` is typed by its field). `tests/sandbox/test_conformance.py` runs
schemathesis against it.
"""

from typing import Any

from kantata_admin.sandbox.api.openapi_records import (
    ERROR_STATUSES,
    ERRORS_REF,
    ID,
    INT_ID,
    RECORDS,
)
from kantata_admin.sandbox.api.params import MAX_PER_PAGE

# Values written in one request (api/value_writes.py's MAX_BATCH).
MAX_BATCH = 100

SUBJECT_SPELLINGS = ("WorkspaceGroup", "workspace_group")

# Each resource: its key, record, includes (key -> included record) and list filters.
_TIMESTAMP_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")
_REFERENCE_FILTERS = {
    "external_reference_external_message": "string",
    "external_reference_external_status": "string",
    "external_reference_service_model": "string",
    "external_reference_service_model_ref": "integer",
    "external_reference_service_model_refs": "string",
    "external_reference_service_name": "string",
    "external_reference_status": "string",
    "has_external_references": "boolean",
    "without_external_reference_service_name": "string",
}


def _query(name: str, kind: str = "string", **extra: Any) -> dict:
    schema: dict[str, Any] = {"type": kind}
    if kind == "string" and name in _TIMESTAMP_FILTERS:
        schema["format"] = "date-time"
    return {"in": "query", "name": name, "schema": schema | extra.pop("schema", {}), **extra}


def _paging() -> list[dict]:
    return [
        _query("page", "integer", schema={"minimum": 1, "maximum": 2**31 - 1}),
        _query("per_page", "integer", schema={"minimum": 1, "maximum": MAX_PER_PAGE}),
        _query("only"),
        _query("include"),
        _query("order"),
    ]


def _filters(*names: str, refs: bool = True, **typed: str) -> list[dict]:
    params = [_query(n) for n in (*_TIMESTAMP_FILTERS, *names)]
    params += [_query(n, kind) for n, kind in typed.items()]
    if refs:
        params += [_query(n, kind) for n, kind in _REFERENCE_FILTERS.items()]
    return params


def _envelope(key: str, record: str, includes: dict[str, str]) -> dict:
    keyed = {"type": "object", "additionalProperties": {"$ref": f"#/components/schemas/{record}"}}
    included = {
        name: {"type": "object", "additionalProperties": {"$ref": f"#/components/schemas/{r}"}}
        for name, r in includes.items()
    }
    return {
        "type": "object",
        "required": ["count", "results", key, "meta"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "id"],
                    "properties": {"key": {"const": key}, "id": ID},
                },
            },
            key: keyed,
            **included,
            "meta": {
                "type": "object",
                "required": ["count", "page_count", "page_number", "page_size"],
                "properties": {
                    n: {"type": "integer", "minimum": 0}
                    for n in ("count", "page_count", "page_number", "page_size")
                },
            },
        },
    }


def _responses(ok: dict | None, *, ok_status: str = "200", errors: tuple = ()) -> dict:
    answers: dict[str, Any] = {}
    if ok is None:
        answers[ok_status] = {"description": "Done, no content"}
    else:
        answers[ok_status] = {
            "description": "The envelope",
            "content": {"application/json": {"schema": ok}},
        }
    for status in ("400", "401", "404", "429", "503", *errors):
        answers[status] = {
            "description": ERROR_STATUSES[status],
            "content": {"application/json": {"schema": ERRORS_REF}},
        }
    return answers


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_WRITE_ERRORS = ("403", "413", "422")
_PATH_ID = {"in": "path", "name": "id", "required": True, "schema": INT_ID}
_GROUP_FIELDS = {
    "name": {"type": "string", "maxLength": 255},
    "notes": {"type": "string"},
    "company": {"type": "boolean"},
    "contact_name": {"type": "string", "maxLength": 255},
    "email": {"type": "string", "maxLength": 255},
    "phone_number": {"type": "string", "maxLength": 100},
    "address": {"type": "string", "maxLength": 500},
    "website": {"type": "string", "maxLength": 255},
    "add_workspace_ids": {"type": "array", "items": INT_ID},
}
_VALUE = {"type": ["string", "number", "array"]}
_VALUE_ITEM = {
    "type": "object",
    "required": ["subject_type", "subject_id", "custom_field_id", "value"],
    "properties": {
        "subject_type": {"enum": list(SUBJECT_SPELLINGS)},
        "subject_id": INT_ID,
        "custom_field_id": INT_ID,
        "value": _VALUE,
    },
}
_VALUE_INCLUDES = {
    "custom_fields": "CustomField",
    "users": "User",
    "custom_field_choices": "CustomFieldChoice",
    "external_references": "ExternalReference",
    "workspace_groups": "WorkspaceGroup",
}
_GROUP_INCLUDES = {
    "workspaces": "Workspace",
    "rate_card_sets": "RateCardSet",
    "external_references": "ExternalReference",
    "custom_field_values": "CustomFieldValue",
}


def _plural(item: dict) -> dict:
    """A many-values body: `{"custom_field_values": [item, ...]}`, 1 to 100 of them."""
    values = {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": item}
    return {
        "type": "object",
        "required": ["custom_field_values"],
        "properties": {"custom_field_values": values},
    }


def description() -> dict[str, Any]:
    groups = _envelope("workspace_groups", "WorkspaceGroup", _GROUP_INCLUDES)
    values = _envelope("custom_field_values", "CustomFieldValue", _VALUE_INCLUDES)
    fields = _envelope(
        "custom_fields",
        "CustomField",
        {
            "custom_field_choices": "CustomFieldChoice",
            "users": "User",
            "external_references": "ExternalReference",
        },
    )
    choices = _envelope(
        "custom_field_choices",
        "CustomFieldChoice",
        {"custom_fields": "CustomField", "external_references": "ExternalReference"},
    )
    group_body = _body(
        {
            "type": "object",
            "required": ["workspace_group"],
            "properties": {
                "workspace_group": {
                    "type": "object",
                    "required": ["name"],
                    "properties": _GROUP_FIELDS,
                }
            },
        }
    )
    group_filters = _filters(
        "by_custom_choice_value",
        "by_custom_currency_value",
        "by_custom_date_value",
        "by_custom_number_value",
        "by_custom_text_value",
        "has_value_for_custom_field_ids",
        "matching",
        companies_only="boolean",
    )
    value_filters = [
        _query(
            "subject_type", required=True, schema={"enum": ["WorkspaceGroup", "workspace_group"]}
        ),
        *_filters("with_subject_id", "with_custom_field_id", "with_setter_id"),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kantata OX sandbox (the emulated part of the API)", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": ["type", "message"],
                                "properties": {
                                    "type": {"enum": ["oauth", "system", "validation"]},
                                    "message": {"type": "string"},
                                    "field": {"type": "string"},
                                    "index": {"type": "integer", "minimum": 0},
                                },
                            },
                        }
                    },
                },
                **{name: {"type": "object", **schema} for name, schema in RECORDS.items()},
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/workspace_groups": {
                "get": {"parameters": _paging() + group_filters, "responses": _responses(groups)},
                "post": {
                    "parameters": [_query("include")],
                    "requestBody": group_body,
                    "responses": _responses(groups, errors=_WRITE_ERRORS),
                },
            },
            "/workspace_groups/{id}": {
                "parameters": [_PATH_ID],
                "get": {"parameters": [_query("include")], "responses": _responses(groups)},
                "put": {
                    "parameters": [_query("include")],
                    "requestBody": group_body,
                    "responses": _responses(groups, errors=_WRITE_ERRORS),
                },
                "delete": {"responses": _responses(None, ok_status="204", errors=("403",))},
            },
            "/custom_fields": {
                "get": {
                    "parameters": [*_paging(), _query("subject_type"), *_filters("matching")],
                    "responses": _responses(fields),
                }
            },
            "/custom_field_choices": {
                "get": {
                    "parameters": [
                        *_paging(),
                        *_filters(
                            "for_custom_fields",
                            "for_choice_ids",
                            "matching",
                            active="boolean",
                            per_custom_field="integer",
                        ),
                    ],
                    "responses": _responses(choices),
                }
            },
            "/custom_field_values": {
                "get": {"parameters": _paging() + value_filters, "responses": _responses(values)},
                "post": {
                    "parameters": [_query("include")],
                    "requestBody": _body(
                        {
                            "oneOf": [
                                {
                                    "type": "object",
                                    "required": ["custom_field_value"],
                                    "properties": {"custom_field_value": _VALUE_ITEM},
                                },
                                _plural(_VALUE_ITEM),
                            ]
                        }
                    ),
                    "responses": _responses(values, errors=_WRITE_ERRORS),
                },
                "put": {
                    "parameters": [_query("include")],
                    "requestBody": _body(
                        _plural(
                            {
                                "type": "object",
                                "required": ["id", "value"],
                                "properties": {"id": INT_ID, "value": _VALUE},
                            }
                        )
                    ),
                    "responses": _responses(values, errors=_WRITE_ERRORS),
                },
                "delete": {
                    "parameters": [_query("ids", required=True)],
                    "responses": _responses(None, ok_status="204", errors=("403", "422")),
                },
            },
            "/custom_field_values/{id}": {
                "parameters": [_PATH_ID],
                "get": {"parameters": [_query("include")], "responses": _responses(values)},
                "put": {
                    "parameters": [_query("include")],
                    "requestBody": _body(
                        {
                            "type": "object",
                            "required": ["custom_field_value"],
                            "properties": {
                                "custom_field_value": {
                                    "type": "object",
                                    "required": ["value"],
                                    "properties": {"value": _VALUE},
                                }
                            },
                        }
                    ),
                    "responses": _responses(values, errors=_WRITE_ERRORS),
                },
                "delete": {"responses": _responses(None, ok_status="204", errors=("403", "422"))},
            },
        },
    }
