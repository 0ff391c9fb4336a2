"""Each member's time zone: chosen on its page, guessed once from the browser, and every
time shown in it, with the zone named."""

from datetime import UTC
from zoneinfo import ZoneInfo

from kantata_admin.audit.models import Action
from kantata_admin.audit.services import audit_record


def test_a_member_picks_a_time_zone_and_pages_name_it(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/time-zone/", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.time_zone == "Asia/Tokyo"
    page = client.get("/").content.decode()
    assert 'Times in <a href="/accounts/time-zone/">Asia/Tokyo</a>' in page
    assert "data-time-zone-unset" not in page  # the browser is not asked again


def test_an_unknown_time_zone_is_refused_and_nothing_changes(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/time-zone/", {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    viewer.refresh_from_db()
    assert viewer.time_zone == ""


def test_the_browsers_guess_never_replaces_a_chosen_zone(client, viewer):
    client.force_login(viewer)
    guess = {"time_zone": "Europe/Paris", "from_browser": "on"}
    assert client.post("/accounts/time-zone/", guess).status_code == 204
    viewer.refresh_from_db()
    assert viewer.time_zone == "Europe/Paris"

    client.post("/accounts/time-zone/", {"time_zone": "America/Chicago"})
    client.post("/accounts/time-zone/", {**guess, "time_zone": "Asia/Kolkata"})
    viewer.refresh_from_db()
    assert viewer.time_zone == "America/Chicago"


def test_times_are_shown_in_the_members_zone(client, team_admin):
    entry = audit_record(actor=team_admin, action=Action.ROLE_CHANGE, changes={})
    team_admin.time_zone = "Asia/Tokyo"
    team_admin.save()
    client.force_login(team_admin)
    page = client.get("/audit/").content.decode()

    in_tokyo = entry.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    in_utc = entry.created_at.astimezone(UTC)
    assert in_tokyo.strftime("%Y-%m-%d %H:%M:%S") in page
    assert in_utc.strftime("%Y-%m-%d %H:%M:%S") not in page
