"""In-process checks of the sandbox: storage of secrets, query counts, parsers."""

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kantata_admin.sandbox.api.body import rails_form
from kantata_admin.sandbox.api.custom_filters import Clause, parse_clauses
from kantata_admin.sandbox.api.errors import ApiError
from kantata_admin.sandbox.credentials import digest, issue_token
from kantata_admin.sandbox.models import AccessToken, OAuthApplication, WorkspaceGroup
from tests.sandbox import factories

ALL_INCLUDES = "workspaces,rate_card_sets,external_references"


@pytest.fixture
def sandbox_urls(settings):
    settings.ROOT_URLCONF = "kantata_admin.sandbox.root_urls"


def _list(client: Client, token: str, **params):
    return client.get("/api/v1/workspace_groups.json", params, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_tokens_are_stored_only_as_sha256_digests():
    fixture = factories.build(groups=1)
    raw = issue_token(fixture.user, factories.application())
    stored = AccessToken.objects.get(token_hash=digest(raw))
    assert stored.token_hash == digest(raw) != raw
    every_column = [str(v) for v in AccessToken.objects.values_list().get(pk=stored.pk)]
    assert raw not in every_column


@pytest.mark.django_db
def test_client_secrets_are_stored_only_as_digests(sandbox_urls):
    from kantata_admin.sandbox.seed import register_dashboard_application

    application = register_dashboard_application()
    from django.conf import settings

    assert application.client_secret_hash == digest(settings.KANTATA_CLIENT_SECRET)
    assert settings.KANTATA_CLIENT_SECRET not in str(
        OAuthApplication.objects.values_list().get(pk=application.pk)
    )


@pytest.mark.django_db
def test_group_names_are_unique_per_account_case_insensitively_in_the_database():
    fixture = factories.build(groups=0)
    WorkspaceGroup.objects.create(account=fixture.account, name="Kantata")
    with pytest.raises(IntegrityError):
        WorkspaceGroup.objects.create(account=fixture.account, name="kantata")


@pytest.mark.django_db
def test_list_with_all_includes_costs_the_same_queries_whatever_the_page_size(sandbox_urls):
    fixture = factories.build(groups=210)
    client = Client()
    counts = {}
    for per_page in (1, 20, 200):
        with CaptureQueriesContext(connection) as queries:
            response = _list(client, fixture.token, per_page=per_page, include=ALL_INCLUDES)
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == per_page
        assert len(body["workspaces"]) == min(6, 2 * per_page)
        counts[per_page] = len(queries)
    assert counts[1] == counts[20] == counts[200], counts
    # token, fault check, count, page, one per include
    assert counts[200] == 7, counts


@pytest.mark.django_db
def test_a_revoked_token_is_refused_in_process(sandbox_urls):
    fixture = factories.build(groups=1)
    AccessToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    response = _list(Client(), fixture.token)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}


def test_custom_filter_clauses_parse_semicolons_parentheses_and_bare_ids():
    assert parse_clauses("1:a;2:b", "f") == [Clause(1, "a"), Clause(2, "b")]
    assert parse_clauses("(1:200.2:USD):(2:100)", "f") == [Clause(1, "200.2:USD"), Clause(2, "100")]
    assert parse_clauses("(1:2014-12-05:2014-12-25):(2:2014-12-05)", "f")[0] == Clause(
        1, "2014-12-05:2014-12-25"
    )
    assert parse_clauses("3", "f") == [Clause(3, None)]


@pytest.mark.parametrize("raw", ["x:1", "(1:a", "(1:a)(2:b)", "(1:a):2:b", ":1", "1:a;;2:b"])
def test_malformed_custom_filters_are_rejected(raw):
    with pytest.raises(ApiError) as raised:
        parse_clauses(raw, "by_custom_text_value")
    assert raised.value.status == 400


def test_rails_form_encoding_nests_hashes_and_arrays():
    pairs = [
        ("workspace_group[name]", "Acme"),
        ("workspace_group[add_workspace_ids][]", "1"),
        ("workspace_group[add_workspace_ids][]", "2"),
        ("workspace_group[external_reference][service_name]", "jira"),
    ]
    assert rails_form(pairs) == {
        "workspace_group": {
            "name": "Acme",
            "add_workspace_ids": ["1", "2"],
            "external_reference": {"service_name": "jira"},
        }
    }
