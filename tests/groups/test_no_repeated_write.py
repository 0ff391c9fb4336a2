"""A 401 retry never repeats a write (issue 14, defect 4): the token is renewed inside the
client for the one refused request, so a create whose value write meets an expired token
makes one group, with its values, and says so."""

from django.urls import reverse
from django.utils import timezone

from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.custom_inputs import shown_token
from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.kantata import KantataClient, track_calls
from tests.groups.edit_fixtures import group_entries
from tests.sandbox_harness import ADMIN_EMAIL, unique_name


def test_a_create_whose_value_write_gets_a_401_makes_exactly_one_group(
    sandbox_expiring, settings, editor, login
):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    settings.KANTATA_OAUTH_URL = sandbox_expiring.oauth_url
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    connection = connection_save_checked(editor, TokenGrant.from_answer(answer))
    # Not due before the test ends: only a 401 can make the dashboard refresh.
    KantataConnection.objects.filter(pk=connection.pk).update(
        refresh_due_at=timezone.now() + timezone.timedelta(hours=1)
    )
    token = answer["access_token"]
    specs = {
        s.name: s
        for s in group_custom_fields(KantataClient(token, base_url=settings.KANTATA_API_URL), "t")
    }
    tier = specs["Account tier"]
    name = unique_name()
    data = {
        "name": name,
        "custom_fields_shown": shown_token(specs.values()),
        f"custom_{tier.id}": "Gold",
    }
    # The group's create runs at once and is answered after the token has expired, so the
    # value write that follows meets a 401.
    expires_in = (connection.expires_at - timezone.now()).total_seconds()
    sandbox_expiring.fault(token, kind="delay", delay_ms=int((max(expires_in, 0) + 1.5) * 1000))

    with track_calls() as calls:
        response = login(editor).post(reverse("groups:create"), data)

    check = KantataClient(sandbox_expiring.token(ADMIN_EMAIL), base_url=settings.KANTATA_API_URL)
    made = [g for g in check.workspace_groups.iter_all() if g.name == name]
    try:
        assert len(made) == 1
        assert [(c.method, c.status) for c in calls.calls] == [
            ("POST", 200),  # the group
            ("POST", 401),  # its values, on the expired token
            ("POST", 200),  # the values again, alone, on the renewed one
        ]
        assert response.status_code == 302
        assert response["Location"] == reverse("groups:detail", args=[made[0].id])
        held = {
            v.custom_field_name: v.value for v in check.custom_field_values.for_group(made[0].id)
        }
        assert held == {"Account tier": "Gold"}
        entry = group_entries().get()
        assert entry.outcome == "success" and entry.group_id == made[0].id
    finally:
        for group in made:
            check.workspace_groups.delete(group.id)
