"""Small helpers for conformance tests that read the sandbox over HTTP."""

import requests


def every_page(session: requests.Session, url: str, **params) -> dict:
    """All pages of a list merged into one envelope-like dict: results and keyed objects."""
    merged: dict = {"results": []}
    page = 1
    while True:
        response = session.get(url, params={**params, "page": page, "per_page": 200})
        assert response.status_code == 200, response.text
        body = response.json()
        merged["results"] += body["results"]
        for key, value in body.items():
            if isinstance(value, dict) and key != "meta":
                merged.setdefault(key, {}).update(value)
        if page >= body["meta"]["page_count"]:
            merged["count"] = body["count"]
            return merged
        page += 1


def ids(body: dict) -> list[str]:
    return [result["id"] for result in body["results"]]


def group_fields(session: requests.Session, api_url: str) -> dict[str, dict]:
    """The account's WorkspaceGroup custom fields by name, each with its `choices`."""
    body = session.get(
        f"{api_url}/custom_fields.json",
        params={"subject_type": "WorkspaceGroup", "include": "choices", "per_page": 200},
    ).json()
    fields = {}
    for result in body["results"]:
        field = body["custom_fields"][result["id"]]
        field["choices"] = [body["custom_field_choices"][c] for c in field.get("choice_ids", [])]
        fields[field["name"]] = field
    return fields


def values_of(session: requests.Session, api_url: str, field_id: str) -> dict[str, dict]:
    """{group id: custom field value} for one field."""
    body = every_page(
        session,
        f"{api_url}/custom_field_values.json",
        subject_type="WorkspaceGroup",
        with_custom_field_id=field_id,
    )
    # subject_id is an integer (recorded); ids compare as strings.
    return {str(v["subject_id"]): v for v in body.get("custom_field_values", {}).values()}
