"""The sandbox against its own OpenAPI description (`/api/v1/openapi.json`, written from
what Kantata documents): schemathesis generates requests for every operation described
(reads, and the writes of groups and values) with a fixed seed, and every answer must be
no server error and match the description's status codes, content types and schemas.

It runs on a sandbox of its own: generated deletes and updates must not touch the data
the other tests share. Bounded to EXAMPLES per operation, it costs a few seconds."""

import time
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

from tests.sandbox_harness import serve

EXAMPLES = 20
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def conformance_sandbox(tmp_path_factory):
    yield from serve(tmp_path_factory, "sandbox_conformance", 20)


def test_the_sandbox_answers_as_its_openapi_description_says(conformance_sandbox):
    server = conformance_sandbox
    headers = {"Authorization": f"Bearer {server.token()}"}
    description = requests.get(f"{server.api_url}/openapi.json", timeout=10)
    assert description.status_code == 200
    schema = schemathesis.openapi.from_dict(description.json())
    session = requests.Session()
    tally: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,  # a fixed seed: the same requests every run
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case) -> None:
            label = case.operation.label
            response = case.call(base_url=server.api_url, session=session, headers=headers)
            tally["requests"] += 1
            tally[f"{label} {response.status_code}"] += 1
            if response.status_code >= 500:
                tally["server errors"] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as failure:  # schemathesis' Failure / FailureGroup
                failures.append(f"{label}: {failure}"[:2000])

        exercise()
    seconds = time.monotonic() - started
    print(f"\nschemathesis: {tally['requests']} requests in {seconds:.1f} s; {dict(tally)}")
    assert tally["server errors"] == 0
    assert failures == []
    assert tally["requests"] >= 14 * 10  # every operation ran
