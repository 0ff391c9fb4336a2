"""A job's custom field values go in Kantata's many-value requests: new ones in creates,
changed ones in bulk updates, cleared ones in bulk deletes (each up to 100 values), one
request per batch of groups rather than one per group."""

import pytest

from kantata_admin.bulk.models import JobState
from kantata_admin.bulk.runner import BATCH_SIZE
from kantata_admin.kantata import track_calls
from tests.bulk.conftest import run_here
from tests.bulk.helpers import custom_field, values_of
from tests.bulk.test_actions import _start

pytestmark = pytest.mark.django_db(transaction=True)

GROUPS = 60  # two batches of a job


def _value_calls(calls, method: str) -> int:
    return sum(1 for c in calls.calls if c.method == method and "custom_field_values" in c.path)


def test_set_change_and_clear_a_value_take_one_request_a_batch(starter, api, own_groups):
    _, groups = own_groups(GROUPS)
    ids = [g.id for g in groups]
    field = custom_field(api, "string")
    batches = -(-GROUPS // BATCH_SIZE)

    with track_calls() as calls:
        job = run_here(
            _start(
                starter, groups, "set_custom", field_id=field.id, value_type="string", value="First"
            ).pk
        )
    assert (job.state, job.done, job.failed) == (JobState.DONE, GROUPS, 0)
    assert _value_calls(calls, "POST") == batches
    assert values_of(api, ids, field.id) == {g: ["First"] for g in ids}

    with track_calls() as calls:
        job = run_here(
            _start(
                starter,
                groups,
                "set_custom",
                field_id=field.id,
                value_type="string",
                value="Second",
            ).pk
        )
    assert (job.done, job.failed) == (GROUPS, 0)
    assert _value_calls(calls, "PUT") == batches  # was one PUT per group
    assert values_of(api, ids, field.id) == {g: ["Second"] for g in ids}

    with track_calls() as calls:
        job = run_here(
            _start(starter, groups, "clear_custom", field_id=field.id, value_type="string").pk
        )
    assert (job.done, job.failed) == (GROUPS, 0)
    assert _value_calls(calls, "DELETE") == batches  # was one DELETE per group
    assert values_of(api, ids, field.id) == {g: [] for g in ids}
