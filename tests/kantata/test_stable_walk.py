"""iter_all walks in creation order, so edits between pages move nothing across them."""

from itertools import islice

from kantata_admin.kantata import WorkspaceGroupFilters
from tests.sandbox_harness import unique_name

PER_PAGE = 50


def test_edits_between_pages_neither_skip_nor_repeat_a_group(client, new_group):
    # Last by name and by creation; a rename to the front would move it, in name order,
    # onto the page already read.
    renamed = new_group(name=unique_name("zzzz walk"))
    touched = new_group(name=unique_name("zzzz walk"))
    before = {g.id for g in client.workspace_groups.iter_all()}
    assert client.workspace_groups.list(per_page=1).count > 3 * PER_PAGE

    walk = client.workspace_groups.iter_all(per_page=PER_PAGE)
    first_page = list(islice(walk, PER_PAGE))
    client.workspace_groups.update(renamed.id, {"name": unique_name("0000 walk")})
    client.workspace_groups.update(touched.id, {"name": touched.name, "notes": "touched"})
    created = new_group(name=unique_name("0000 walk new"))
    seen = [g.id for g in first_page] + [g.id for g in walk]

    assert len(seen) == len(set(seen))
    assert before <= set(seen) <= before | {created.id}


def test_walk_without_an_order_is_oldest_first(client):
    groups = list(islice(client.workspace_groups.iter_all(per_page=PER_PAGE), 2 * PER_PAGE))
    keys = [(g.created_at, int(g.id)) for g in groups]
    assert keys == sorted(keys)
    named = client.workspace_groups.iter_all(WorkspaceGroupFilters(matching="a"), order="name:asc")
    names = [g.name.lower() for g in islice(named, PER_PAGE)]
    assert names == sorted(names)
