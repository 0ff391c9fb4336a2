"""Every resource method against the real sandbox over HTTP."""

import logging
from datetime import datetime

import pytest

from kantata_admin import __version__
from kantata_admin.kantata import (
    ExternalReferenceInput,
    KantataClient,
    Page,
    WorkspaceFilters,
    WorkspaceGroup,
    WorkspaceGroupFilters,
    WorkspaceGroupInput,
    track_calls,
)
from kantata_admin.kantata.client import session_for
from tests.sandbox_harness import ADMIN_EMAIL, unique_name


def test_me_identifies_the_token_owner(client):
    me = client.users.me()
    assert me.email_address == ADMIN_EMAIL
    assert me.id.isdigit()
    assert me.account_id
    assert me.raw["email_address"] == ADMIN_EMAIL


def test_list_returns_a_page_with_its_pager(client):
    page = client.workspace_groups.list(per_page=7, page=2)
    assert isinstance(page, Page)
    assert len(page) == 7
    assert page.page_number == 2
    assert page.page_size == 7
    assert page.count > 7
    assert page.page_count == -(-page.count // 7)
    assert page.has_next and page.has_previous
    group = page.records[0]
    assert isinstance(group, WorkspaceGroup)
    assert isinstance(group.id, str)
    assert isinstance(group.created_at, datetime) and group.created_at.tzinfo is not None
    assert isinstance(group.notes, str)
    assert group.workspaces is None  # not asked for


def test_results_order_is_kept(client):
    names = [g.name.lower() for g in client.workspace_groups.list(order="name:desc", per_page=50)]
    assert names == sorted(names, reverse=True)
    created = [g.created_at for g in client.workspace_groups.list(order="created_at:asc")]
    assert created == sorted(created)


def test_limit_and_offset_window(client):
    everything = [g.id for g in client.workspace_groups.list(per_page=30, order="created_at:asc")]
    window = client.workspace_groups.list(limit=10, offset=5, order="created_at:asc")
    assert [g.id for g in window] == everything[5:15]


def test_includes_are_resolved_into_the_records(client, seeded):
    page = client.workspace_groups.list(
        include=["workspaces", "rate_card_sets", "external_references"], per_page=100
    )
    with_all = [
        g for g in page if g.workspace_ids and g.rate_card_set_ids and g.external_reference_ids
    ]
    assert with_all, "the seed should give some groups every kind of association"
    for group in with_all:
        assert [w.id for w in group.workspaces] == list(group.workspace_ids)
        assert [r.id for r in group.rate_card_sets] == list(group.rate_card_set_ids)
        assert [r.id for r in group.external_references] == list(group.external_reference_ids)
        assert all(w.title for w in group.workspaces)
        assert all(r.title for r in group.rate_card_sets)
        assert all(r.subject_id == group.id for r in group.external_references)


def test_get_one_group_with_includes(client):
    first = client.workspace_groups.list(per_page=1).records[0]
    group = client.workspace_groups.get(first.id, include=["workspaces"])
    assert group.id == first.id and group.name == first.name
    assert group.workspaces is not None


def test_create_update_and_delete(client):
    name = unique_name()
    group = client.workspace_groups.create(
        WorkspaceGroupInput(name=name, company=True, contact_name="Ada", email="ada@x.example")
    )
    try:
        assert group.name == name and group.company and group.contact_name == "Ada"
        assert group.notes == ""
        with track_calls() as calls:
            updated = client.workspace_groups.update(
                group.id, {"notes": "Net 30.", "company": False}
            )
        assert updated.notes == "Net 30." and not updated.company
        # The API wants `name` on every update: without it the client reads it first.
        assert [c.method for c in calls.calls] == ["GET", "PUT"]
        with track_calls() as calls:
            client.workspace_groups.update(group.id, WorkspaceGroupInput(name=name, website="w"))
        assert [c.method for c in calls.calls] == ["PUT"]
        assert client.workspace_groups.get(group.id).notes == "Net 30."
    finally:
        client.workspace_groups.delete(group.id)
    assert not client.workspace_groups.list(WorkspaceGroupFilters(only=[group.id])).records


def test_add_and_remove_workspaces(client, new_group):
    workspaces = client.workspaces.list(per_page=3).records
    ids = [w.id for w in workspaces]
    group = new_group()
    added = client.workspace_groups.add_workspace_ids(group.id, ids)
    assert sorted(added.workspace_ids) == sorted(ids)
    assert {w.id for w in added.workspaces} == set(ids)
    removed = client.workspace_groups.remove_workspace_ids(group.id, ids[:1])
    assert sorted(removed.workspace_ids) == sorted(ids[1:])
    assert {w.id for w in client.workspaces.for_groups([group.id])} == set(ids[1:])


def test_create_with_workspaces(client, new_group):
    ids = [w.id for w in client.workspaces.list(per_page=2)]
    group = new_group(add_workspace_ids=ids)
    assert sorted(
        client.workspace_groups.get(group.id, include=["workspaces"]).workspace_ids
    ) == sorted(ids)


def test_external_reference_is_attached(client, new_group):
    group = new_group()
    result = client.workspace_groups.external_reference(
        group.id,
        ExternalReferenceInput(
            service_name="salesforce",
            service_model="Account",
            service_model_ref="424242",
            status="successful",
            external_status="Active",
        ),
    )
    (reference,) = result.external_references
    assert (reference.service_name, reference.service_model, reference.service_model_ref) == (
        "salesforce",
        "Account",
        "424242",
    )
    assert reference.status == "successful"
    listed = client.external_references.list(subject_ids=[group.id])
    assert [r.id for r in listed] == [reference.id]


def test_workspaces_list_search_and_by_group(client, seeded):
    page = client.workspaces.list(per_page=5)
    assert len(page) == 5 and page.count >= 5
    title = page.records[0].title
    found = client.workspaces.search(title)
    assert title in [w.title for w in found]
    matching = client.workspaces.list(WorkspaceFilters(matching=title))
    assert all(title.lower() in w.title.lower() for w in matching)
    group = next(g for g in seeded.groups.values() if len(g.workspace_ids or ()) >= 2)
    by_group = {w.id for w in client.workspaces.for_groups([group.id])}
    # Archived projects are left out unless asked for.
    with_archived = {
        w.id
        for w in client.workspaces.iter_all(
            WorkspaceFilters(workspace_groups=[group.id], include_archived=True)
        )
    }
    assert by_group <= with_archived == set(group.workspace_ids)


def test_custom_fields_with_choices_and_values(client):
    fields = list(client.custom_fields.iter_all())
    assert {f.value_type for f in fields} >= {
        "single",
        "multi",
        "string",
        "number",
        "currency",
        "date",
    }
    assert all(f.subject_type in (None, "WorkspaceGroup") for f in fields)
    single = next(f for f in fields if f.value_type == "single")
    assert single.choices and [c.id for c in single.choices] == list(single.choice_ids)
    choices = list(client.custom_field_choices.iter_all([single.id]))
    assert {c.id for c in choices} == set(single.choice_ids)
    page = client.custom_field_values.list(per_page=50)
    assert page.records and all(v.subject_type == "workspace_group" for v in page)
    subject = page.records[0].subject_id
    values = list(client.custom_field_values.iter_all(subject_ids=[subject]))
    assert values and all(v.subject_id == subject for v in values)


def test_rate_card_sets(client):
    page = client.rate_card_sets.list()
    assert page.count == len(page.records) >= 1
    assert [r.id for r in client.rate_card_sets.iter_all()] == [r.id for r in page]
    assert sum(r.account_default for r in page) == 1


def test_every_call_is_logged_and_counted(client, caplog):
    with caplog.at_level(logging.INFO, logger="kantata_admin.kantata"), track_calls() as calls:
        client.workspace_groups.list(WorkspaceGroupFilters(matching="secret-term"), per_page=3)
        client.users.me()
    assert calls.count == 2
    assert [(c.method, c.path, c.status) for c in calls.calls] == [
        ("GET", "/workspace_groups.json", 200),
        ("GET", "/users/me.json", 200),
    ]
    assert client.counters.calls >= 2
    logged = [r.getMessage() for r in caplog.records if r.name == "kantata_admin.kantata"]
    assert len(logged) == 2
    assert logged[0].startswith("GET /workspace_groups.json -> 200 in ")
    assert all("secret-term" not in m and client._auth._token not in m for m in logged)


def test_clients_share_pooled_connections(sandbox, admin_token, readonly_token):
    session = session_for(sandbox.base)
    assert session_for(sandbox.base) is session
    assert "Authorization" not in session.headers  # tokens travel per request only
    clients = [
        KantataClient(token, base_url=sandbox.api_url)
        for token in (admin_token, readonly_token, admin_token)
    ]
    pools = session.get_adapter(sandbox.api_url).poolmanager.pools

    def opened() -> int:
        return sum(
            pools[key].num_connections
            for key in pools.keys()  # noqa: SIM118 - the container cannot be iterated
            if key.key_port == sandbox.port
        )

    clients[0].users.me()
    before = opened()
    people = [client.users.me().id for client in clients for _ in range(3)]
    assert len(set(people)) == 2  # each client still sends its own token
    assert opened() == before  # nine calls by three clients, no new connection


def test_user_agent_and_bearer_are_sent(sandbox, admin_token):
    client = KantataClient(admin_token, base_url=sandbox.api_url)
    seen = []
    session = session_for(sandbox.base)
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.headers))
    try:
        client.users.me()
    finally:
        session.hooks["response"].clear()
    assert seen[0]["User-Agent"].startswith(f"KantataAdmin/{__version__}")
    assert seen[0]["Authorization"] == f"Bearer {admin_token}"


@pytest.mark.parametrize("per_page", [1, 200])
def test_per_page_bounds_are_accepted_by_the_sandbox(client, per_page):
    assert len(client.workspace_groups.list(per_page=per_page)) == per_page
