"""A write whose answer was lost before Kantata did the work (the sandbox's
`before_work` faults) is reported as not done, in what the member is told and in the
audit entry, and nothing is written twice (issue 14, defect 6: the outcomes the faults
that run the call first could not reach)."""

from dataclasses import replace

import pytest

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.groups.changes import GroupValues
from kantata_admin.groups.problems import problem_for
from kantata_admin.groups.read_back import NOT_SAVED, WriteAnswerLost
from kantata_admin.groups.services import workspace_group_create, workspace_group_update
from kantata_admin.kantata import KantataError, track_calls
from tests.groups.edit_fixtures import group_entries, stored
from tests.sandbox_harness import unique_name

pytestmark = pytest.mark.django_db

# The reads before a write: the group, then its custom field values.
READS_BEFORE_A_WRITE = 2


def test_an_update_lost_before_the_work_is_not_saved_and_says_so(
    sandbox, fresh_token, own_kantata, kantata, editor, group
):
    typed = replace(GroupValues.from_group(group), email="never@example.test")
    sandbox.fault(fresh_token, kind="delay", delay_ms=1, count=READS_BEFORE_A_WRITE)
    sandbox.fault(fresh_token, kind="malformed", before_work=True)

    with track_calls() as calls, pytest.raises(WriteAnswerLost) as lost:
        workspace_group_update(
            client=own_kantata,
            actor=editor,
            group_id=group.id,
            values=typed,
            opened=GroupValues.from_group(group),
            opened_updated_at=group.updated_at,
        )

    assert lost.value.outcome == NOT_SAVED
    assert [c.method for c in calls.calls] == ["GET", "GET", "PUT", "GET"]  # one write
    assert stored(kantata, group.id).email == group.email
    problem = problem_for(lost.value, writing=True, doing="save")
    assert "nothing was saved. Save again." in problem.message
    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_UPDATE, Outcome.ERROR)
    assert "read back: not saved" in entry.error


def test_a_create_lost_before_the_work_makes_nothing_and_says_so(
    sandbox, fresh_token, own_kantata, kantata, editor
):
    name = unique_name()
    sandbox.fault(fresh_token, kind="malformed", before_work=True)

    with pytest.raises(KantataError) as lost:
        workspace_group_create(client=own_kantata, actor=editor, values=GroupValues(name=name))

    assert [g for g in kantata.workspace_groups.iter_all() if g.name == name] == []
    assert lost.value.write_checked
    problem = problem_for(lost.value, writing=True, doing="create")
    assert "nothing was created. Create again." in problem.message
    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_CREATE, Outcome.ERROR)
