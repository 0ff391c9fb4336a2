"""No input gets a 5xx (issue 7): Hypothesis drives every query parameter of
workspace_groups and every field of a write body, in JSON and Rails form encoding,
through the sandbox in-process (Django's test client: thousands of calls in seconds).

The `thorough` profile (`make fuzz`) runs QUERY_EXAMPLES + WRITE_EXAMPLES = 2,500
examples on workspace groups and VALUE_EXAMPLES = 400 on custom field value writes; the
default run (`repeatable`, every `make test` and CI leg) a fifth of them, the same ones
each run; `pytest --hypothesis-profile=explore` draws ten times as many new ones. Every
run adds a deterministic sweep of every EDGE_TEXT value through every parameter and
field. Each test counts the examples it ran and checks the count, so a silently
shortened run is a failure.
"""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kantata_admin.sandbox.credentials import personal_token
from kantata_admin.sandbox.models import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    SandboxUser,
    WorkspaceGroup,
)
from kantata_admin.sandbox.seed import seed_sandbox
from tests.sandbox_harness import ADMIN_EMAIL

# Examples per profile (tests/conftest.py registers them), as a share of the thorough run.
SCALE = {"repeatable": 0.2, "thorough": 1, "explore": 10}.get(
    settings.get_current_profile_name(), 1
)
QUERY_EXAMPLES = int(1500 * SCALE)
WRITE_EXAMPLES = int(1000 * SCALE)
VALUE_EXAMPLES = int(400 * SCALE)
GROUPS = "/api/v1/workspace_groups.json"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- values that have broken parsers before, mixed with arbitrary text -----------------

EDGE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "200",
    "201",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 5000,
    "1e999999",
    "-0",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "true",
    "blank",
    "\x00",
    "a\x00b",
    "\ud800",
    "é",
    "名前",
    "\U0001d518\U0001d52b",  # outside the Basic Multilingual Plane
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2024-13-01T00:00:00Z",
    "1:a",
    "(1:a):(2:b)",
    "(1:200.2:USD):(2:100)",
    "(1:2014-12-05:2014-12-25)",
    "1:blank,2",
    "((1:a)",
    "1:;2:",
    ";",
    ":",
    "(",
    ")",
    "name:desc",
    "name:DESC",
    "created_at:asc",
    "workspaces,rate_card_sets,external_references,custom_field_values",
    "can_edit",
]
PARAMS = [
    "page",
    "per_page",
    "limit",
    "offset",
    "only",
    "include",
    "optional_fields",
    "order",
    "search",
    "matching",
    "companies_only",
    "created_after",
    "created_before",
    "updated_after",
    "updated_before",
    "has_value_for_custom_field_ids",
    "by_custom_text_value",
    "by_custom_number_value",
    "by_custom_currency_value",
    "by_custom_date_value",
    "by_custom_choice_value",
    "external_reference_external_message",
    "external_reference_external_status",
    "external_reference_service_model",
    "external_reference_service_model_ref",
    "external_reference_service_model_refs",
    "external_reference_service_name",
    "external_reference_status",
    "has_external_references",
    "without_external_reference_service_name",
    "unknown_parameter",
]
GROUP_FIELDS = [
    "name",
    "notes",
    "company",
    "contact_name",
    "email",
    "phone_number",
    "address",
    "website",
    "add_workspace_ids",
    "remove_workspace_ids",
    "external_reference",
    "unknown_field",
]
REFERENCE_FIELDS = [
    "service_name",
    "service_model",
    "service_model_ref",
    "external_link",
    "external_message",
    "external_status",
    "status",
    "locked",
]

edge_text = st.sampled_from(EDGE_TEXT)
any_text = st.text(max_size=40)
numbers_as_text = st.integers(min_value=-(2**70), max_value=2**70).map(str)
dates_as_text = st.datetimes().map(lambda d: d.isoformat())
# Half the values come from EDGE_TEXT: arbitrary text alone rarely hits a parser's edge.
query_value = st.one_of(edge_text, edge_text, edge_text, any_text, numbers_as_text, dates_as_text)
query = st.lists(st.tuples(st.sampled_from(PARAMS), query_value), min_size=1, max_size=4)

scalar = st.one_of(
    edge_text,
    edge_text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    any_text,
)
json_value = st.recursive(
    scalar,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(REFERENCE_FIELDS) | any_text, children, max_size=4)
    ),
    max_leaves=12,
)
reference = st.dictionaries(st.sampled_from(REFERENCE_FIELDS), json_value, max_size=8)
group_body = st.dictionaries(
    st.sampled_from(GROUP_FIELDS),
    st.one_of(json_value, reference),
    max_size=8,
)


def rails_pairs(prefix: str, value) -> list[tuple[str, str]]:
    """A JSON value as Rails form pairs: a[b]=1, a[c][]=2; null as an empty value."""
    if isinstance(value, dict):
        return [
            pair for key, item in value.items() for pair in rails_pairs(f"{prefix}[{key}]", item)
        ]
    if isinstance(value, list):
        return [pair for item in value for pair in rails_pairs(f"{prefix}[]", item)]
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return [(prefix, text)]


@pytest.fixture
def api(db, settings):
    """A Client for the seeded sandbox, with the administrator's token."""
    settings.ROOT_URLCONF = "kantata_admin.sandbox.root_urls"
    seed_sandbox(groups=30)
    token = personal_token(SandboxUser.objects.get(email=ADMIN_EMAIL))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_answered(response) -> None:
    assert response.status_code < 500, response.content[:500]
    if response.status_code not in (204, 304):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        json.loads(response.content)


def test_no_query_of_workspace_groups_gets_a_5xx(api):
    """Every documented query parameter (and an unknown one), list and show."""
    ran = []
    pk = WorkspaceGroup.objects.order_by("id").values_list("pk", flat=True).first()

    @fuzz(QUERY_EXAMPLES)
    @given(pairs=query, show=st.booleans())
    def run(pairs, show):
        ran.append(1)
        path = f"/api/v1/workspace_groups/{pk}.json" if show else GROUPS
        assert_answered(api.get(f"{path}?{urlencode(pairs, errors='surrogatepass')}"))

    run()
    assert len(ran) >= QUERY_EXAMPLES, len(ran)


def test_no_write_body_gets_a_5xx(api):
    """Every write body field, nested values included, in JSON and form encoding, on
    create and update."""
    ran = []
    pk = WorkspaceGroup.objects.order_by("id").values_list("pk", flat=True).first()

    @fuzz(WRITE_EXAMPLES)
    @given(
        attrs=group_body,
        as_form=st.booleans(),
        update=st.booleans(),
        wrapped=st.sampled_from([True, True, True, False]),
    )
    def run(attrs, as_form, update, wrapped):
        ran.append(1)
        body = {"workspace_group": attrs} if wrapped else attrs
        path = f"/api/v1/workspace_groups/{pk}.json" if update else GROUPS
        send = api.put if update else api.post
        if as_form:
            pairs = rails_pairs("workspace_group", attrs) if wrapped else []
            data = urlencode(pairs, errors="surrogatepass")
            response = send(path, data, content_type="application/x-www-form-urlencoded")
        else:
            response = send(path, json.dumps(body), content_type="application/json")
        assert_answered(response)

    run()
    assert len(ran) >= WRITE_EXAMPLES, len(ran)


def test_every_edge_value_in_every_parameter_and_field(api):
    """Not left to chance: each EDGE_TEXT value in each query parameter (list and show),
    and in each write field as JSON and as a form value."""
    pk = WorkspaceGroup.objects.order_by("id").values_list("pk", flat=True).first()
    show = f"/api/v1/workspace_groups/{pk}.json"
    for value in EDGE_TEXT:
        for name in PARAMS:
            query = urlencode({name: value}, errors="surrogatepass")
            assert_answered(api.get(f"{GROUPS}?{query}"))
            assert_answered(api.get(f"{show}?{query}"))
        for name in GROUP_FIELDS:
            body = {"workspace_group": {name: value}}
            assert_answered(api.post(GROUPS, json.dumps(body), content_type="application/json"))
            form = urlencode(
                rails_pairs("workspace_group", body["workspace_group"]), errors="surrogatepass"
            )
            assert_answered(api.put(show, form, content_type="application/x-www-form-urlencoded"))
        reference = {
            "workspace_group": {
                "name": "x",
                "external_reference": dict.fromkeys(REFERENCE_FIELDS, value),
            }
        }
        assert_answered(api.put(show, json.dumps(reference), content_type="application/json"))


def test_no_custom_field_value_write_gets_a_5xx(api):
    """Creates of 0 to 5 items and updates, with real and made-up ids and any value."""
    ran = []
    field_ids = list(CustomField.objects.values_list("pk", flat=True))
    choice_ids = list(CustomFieldChoice.objects.values_list("pk", flat=True))
    group_ids = list(WorkspaceGroup.objects.values_list("pk", flat=True)[:5])
    value_pk = CustomFieldValue.objects.order_by("id").values_list("pk", flat=True).first()
    some_id = st.one_of(
        st.sampled_from(field_ids + group_ids + choice_ids), scalar, st.just(10**30)
    )
    value = st.one_of(
        json_value,
        st.lists(st.sampled_from(choice_ids), max_size=3),
        st.tuples(st.integers(), st.sampled_from(["USD", "eur", "XXXX", ""])).map(list),
    )
    entry = st.fixed_dictionaries(
        {},
        optional={
            "subject_type": st.sampled_from(["workspace_group", "WorkspaceGroup", "x"]) | scalar,
            "subject_id": st.sampled_from(group_ids) | some_id,
            "custom_field_id": st.sampled_from(field_ids) | some_id,
            "value": value,
        },
    )

    @fuzz(VALUE_EXAMPLES)
    @given(
        items=st.lists(entry | json_value, max_size=5),
        update=st.booleans(),
        new_value=value,
    )
    def run(items, update, new_value):
        ran.append(1)
        if update:
            body = {"custom_field_value": {"value": new_value}}
            path = f"/api/v1/custom_field_values/{value_pk}.json"
            response = api.put(path, json.dumps(body), content_type="application/json")
        else:
            body = {"custom_field_values": items}
            path = "/api/v1/custom_field_values.json"
            response = api.post(path, json.dumps(body), content_type="application/json")
        assert_answered(response)

    run()
    assert len(ran) >= VALUE_EXAMPLES, len(ran)
