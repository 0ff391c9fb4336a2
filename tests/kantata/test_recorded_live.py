"""The client against the sandbox's recorded shapes: included custom field values, integer
references, null and "" text, request ids on errors, conditional GET of custom fields."""

import pytest

from kantata_admin.kantata import (
    KantataClient,
    Money,
    NotFound,
    NotModified,
    WorkspaceGroupFilters,
    track_calls,
)

TEXTS = ("notes", "contact_name", "email", "phone_number", "address", "website")


def _by_group(values) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for value in values:
        grouped.setdefault(value.subject_id, set()).add(value.id)
    return grouped


@pytest.fixture(scope="module")
def answering_client(sandbox_group_values) -> KantataClient:
    """A client of a sandbox that answers groups' include=custom_field_values."""
    server = sandbox_group_values
    return KantataClient(server.token(), base_url=server.api_url)


def test_a_page_with_its_custom_field_values_in_one_call(answering_client):
    client = answering_client
    with track_calls() as calls:
        page = client.workspace_groups.list(include=["custom_field_values"], per_page=50)
    assert calls.count == 1
    assert any(group.custom_field_values for group in page)
    assert all(group.custom_field_values_included for group in page)
    ids = [group.id for group in page]
    # The same values the values endpoint holds for these groups, each on its own group.
    expected = _by_group(client.custom_field_values.iter_all(subject_ids=ids))
    assert {g.id: {v.id for v in g.custom_field_values} for g in page if g.custom_field_values} == (
        expected
    )
    for group in page:
        for value in group.custom_field_values:
            assert value.subject_id == group.id and value.type
            assert isinstance(value.raw["subject_id"], int)  # recorded: an integer
            assert value.account_id and isinstance(value.raw["account_id"], int)


def test_one_group_with_its_values_and_without(answering_client, seeded):
    """Both servers are seeded alike, so `seeded` describes the answering one too."""
    client = answering_client
    group_id = next(g for g, _ in seeded.values)
    group = client.workspace_groups.get(group_id, include=["custom_field_values"])
    stored = {f: v for (g, f), v in seeded.values.items() if g == group_id}
    assert {v.custom_field_id: v.value for v in group.custom_field_values} == stored
    assert client.workspace_groups.get(group_id).custom_field_values == ()


def test_kantatas_documented_groups_ignore_the_values_include(client, seeded):
    """The default sandbox, as Kantata documents groups: the include is ignored, and the
    group says so (no `custom_field_value_ids`), so the values must be read elsewhere."""
    group_id = next(g for g, _ in seeded.values)
    group = client.workspace_groups.get(group_id, include=["custom_field_values"])
    assert group.custom_field_values == () and not group.custom_field_values_included
    values = client.custom_field_values.for_group(group_id)
    stored = {f: v for (g, f), v in seeded.values.items() if g == group_id}
    assert {v.custom_field_id: v.value for v in values} == stored


def test_every_value_type_reads_into_its_python_type(client, seeded):
    kinds = {f.id: f.value_type for f in seeded.fields.values()}
    values = list(client.custom_field_values.iter_all())
    assert {v.type for v in values} == {"string", "number", "currency", "date", "single", "multi"}
    for value in values:
        assert value.type == kinds[value.custom_field_id]
        typed = value.typed_value
        if value.type == "currency":
            # The cents read as the amount Kantata displays ("€440,900.00").
            assert isinstance(typed, Money) and f"{typed.amount:,.2f}" in value.display_value
            assert isinstance(value.raw["value"][0], int)  # cents
        elif value.type in ("single", "multi") and typed is not None:
            choices = set(seeded.fields[value.custom_field_id].choice_ids)
            assert set(typed) <= choices


def test_null_and_empty_text_from_the_sandbox_both_read_as_empty(seeded):
    raws = [(g, name, g.raw.get(name)) for g in seeded.groups.values() for name in TEXTS]
    assert any(raw is None for _, _, raw in raws) and any(raw == "" for _, _, raw in raws)
    for group, name, raw in raws:
        if raw in (None, ""):
            assert getattr(group, name) == ""


def test_a_missing_group_is_not_found_with_its_request_id(client):
    with pytest.raises(NotFound) as caught:
        client.workspace_groups.get("999999999")
    assert caught.value.request_id
    assert f"(request id {caught.value.request_id})" in str(caught.value)


def test_custom_fields_are_revalidated_with_their_etag(client):
    first = client.custom_fields.list()
    assert first.etag and first.records
    with track_calls() as calls, pytest.raises(NotModified) as caught:
        client.custom_fields.list(if_none_match=first.etag)
    assert calls.count == 1 and calls.calls[0].status == 304
    assert caught.value.etag == first.etag and caught.value.request_id
    fresh = client.custom_fields.list(if_none_match='W/"not-the-current-one"')
    assert [f.id for f in fresh] == [f.id for f in first] and fresh.etag == first.etag


def test_a_filtered_page_is_not_mistaken_for_another(client):
    # ETags belong to one query: another filter's page answers in full.
    page = client.workspace_groups.list(WorkspaceGroupFilters(companies_only=True))
    assert page.etag and all(g.company for g in page)
