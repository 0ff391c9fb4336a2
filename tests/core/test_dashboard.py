"""The dashboard: the member's Kantata OX connection, the groups with their count, saved
views, and the recent changes of the member's own Kantata account only."""

from kantata_admin.audit.models import Action
from kantata_admin.audit.services import audit_record
from kantata_admin.savedviews.models import SavedView
from tests.groups.browse_fixtures import browsing_fixture  # noqa: F401 (fixture)


def test_a_member_without_a_connection_is_offered_to_connect(client, viewer):
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "Connect Kantata OX" in page
    assert "/dashboard/group-count" not in page  # nothing to count without a connection
    assert "Connect Kantata OX to see your team's recent changes." in page


def test_a_connected_member_sees_who_and_which_account_and_the_group_count(browsing):
    connection = browsing.client.get("/").context["connection"]
    page = browsing.client.get("/").content.decode()
    assert f"Connected as <strong>{connection.name}</strong>" in page
    assert f"account <strong>{connection.account_id}</strong>" in page

    count = browsing.client.get("/dashboard/group-count", headers={"HX-Request": "true"})
    expected = browsing.api(per_page=1)["count"]
    assert f"({expected} in your account)" in count.content.decode()


def test_the_dashboard_lists_the_members_saved_views(browsing):
    member = browsing.client.get("/").context["user"]
    SavedView.objects.create(owner=member, name="Companies A to M", query="companies_only=on")
    page = browsing.client.get("/").content.decode()
    assert "Companies A to M" in page


def test_recent_changes_are_the_members_own_account_only(browsing, make_member):
    connection = browsing.client.get("/").context["connection"]
    someone = make_member("editor")
    audit_record(
        actor=someone,
        action=Action.GROUP_UPDATE,
        account_id=connection.account_id,
        group_id="101",
        group_name="Ours Ltd",
    )
    audit_record(
        actor=someone,
        action=Action.GROUP_DELETE,
        account_id="another-account",
        group_id="202",
        group_name="Theirs Inc",
    )
    page = browsing.client.get("/").content.decode()
    assert "Ours Ltd" in page
    assert "Theirs Inc" not in page
