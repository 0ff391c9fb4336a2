"""Issue 15, done when: killing the sandbox process turns the dashboard's pages into the
clear "Kantata OX could not be reached" state, never a 500, and they recover when it is
back. The sandbox is a service of its own (as `make run` starts it), here one this
module has to itself, so that taking it down reaches no other test."""

import pytest

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from tests.groups.browse_fixtures import listed_ids
from tests.sandbox_harness import ADMIN_EMAIL, serve

UNREACHABLE = "Kantata OX could not be reached"


@pytest.fixture(scope="module")
def own_sandbox(tmp_path_factory):
    yield from serve(tmp_path_factory, "outage_sandbox", 10)


@pytest.fixture
def member_client(own_sandbox, settings, make_member, login):
    settings.KANTATA_API_URL = own_sandbox.api_url
    settings.KANTATA_OAUTH_URL = own_sandbox.oauth_url
    member = make_member("editor")
    connection_save_checked(member, TokenGrant(own_sandbox.token(ADMIN_EMAIL)))
    return login(member)


def test_pages_say_kantata_cannot_be_reached_while_the_sandbox_is_down_and_recover(
    own_sandbox, member_client
):
    before = member_client.get("/groups/")
    assert before.status_code == 200
    group_id = listed_ids(before.content.decode())[0]

    own_sandbox.kill()
    try:
        pages = {
            "list": member_client.get("/groups/", {"matching": "a"}),
            "list fragment": member_client.get("/groups/", headers={"HX-Request": "true"}),
            "detail": member_client.get(f"/groups/{group_id}/"),
        }
        for name, page in pages.items():
            text = page.content.decode()
            assert page.status_code != 500, name
            assert UNREACHABLE in text, (name, page.status_code)
            assert "Traceback" not in text, name
        # The list keeps what was asked, and offers a retry.
        assert 'value="a"' in pages["list"].content.decode()
    finally:
        own_sandbox.restart()

    after = member_client.get("/groups/")
    assert after.status_code == 200
    assert listed_ids(after.content.decode()) == listed_ids(before.content.decode())
    assert UNREACHABLE not in after.content.decode()
    assert member_client.get(f"/groups/{group_id}/").status_code == 200
