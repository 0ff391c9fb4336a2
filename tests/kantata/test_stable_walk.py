"""iter_all walks in creation order, so edits between pages move nothing across them.

The oracle is the sandbox's own database (read by a manage.py process), not the client:
a walk that skipped or repeated groups the same way twice would agree with itself."""

import json
from itertools import islice

from kantata_admin.kantata import WorkspaceGroupFilters
from tests.sandbox_harness import ADMIN_EMAIL, unique_name

PER_PAGE = 50

_STORED_IDS = (
    "import json; from kantata_admin.sandbox.models import SandboxUser, WorkspaceGroup;"
    " account = SandboxUser.objects.get(email={email!r}).account_id;"
    " print(json.dumps([str(pk) for pk in WorkspaceGroup.objects.filter(account_id=account)"
    ".values_list('pk', flat=True)]))"
)


def stored_group_ids(sandbox) -> list[str]:
    """Every group of the admin's account (an administrator sees them all), as stored."""
    out = sandbox.manage("shell", "--no-imports", "-c", _STORED_IDS.format(email=ADMIN_EMAIL))
    return json.loads(out.strip().splitlines()[-1])


def test_edits_between_pages_neither_skip_nor_repeat_a_group(sandbox, client, new_group):
    # Last by name and by creation; a rename to the front would move it, in name order,
    # onto the page already read.
    renamed = new_group(name=unique_name("zzzz walk"))
    touched = new_group(name=unique_name("zzzz walk"))
    stored_before = stored_group_ids(sandbox)
    assert len(stored_before) > 3 * PER_PAGE
    assert client.workspace_groups.list(per_page=1).count == len(stored_before)

    walk = client.workspace_groups.iter_all(per_page=PER_PAGE)
    first_page = list(islice(walk, PER_PAGE))
    client.workspace_groups.update(renamed.id, {"name": unique_name("0000 walk")})
    client.workspace_groups.update(touched.id, {"name": touched.name, "notes": "touched"})
    created = new_group(name=unique_name("0000 walk new"))
    seen = [g.id for g in first_page] + [g.id for g in walk]

    # Exactly what is stored now, once each: nothing skipped, nothing repeated, and the
    # group created mid-walk at the end (created last, so on the last page).
    stored_after = stored_group_ids(sandbox)
    assert set(stored_after) == set(stored_before) | {created.id}
    assert len(seen) == len(set(seen)) == len(stored_after)
    assert set(seen) == set(stored_after)
    assert seen[-1] == created.id


def test_walk_without_an_order_is_oldest_first(client):
    groups = list(islice(client.workspace_groups.iter_all(per_page=PER_PAGE), 2 * PER_PAGE))
    keys = [(g.created_at, int(g.id)) for g in groups]
    assert keys == sorted(keys)
    named = client.workspace_groups.iter_all(WorkspaceGroupFilters(matching="a"), order="name:asc")
    names = [g.name.lower() for g in islice(named, PER_PAGE)]
    assert names == sorted(names)
