import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kantata_admin.accounts.models import Invitation, Role, User

NEW_PASSWORD = "a-long-and-unusual-passphrase-91"


def _invite(client, team_admin, mailoutbox, email="newcomer@team.test", role="editor") -> str:
    client.force_login(team_admin)
    response = client.post("/team/", {"email": email, "role": role})
    assert response.status_code == 302
    client.logout()
    message = mailoutbox[-1]
    assert message.to == [email]
    return re.search(r"http://testserver(/team/join/\S+)", message.body).group(1)


def test_invited_member_signs_up_with_the_invited_role(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox, role="editor")

    signup = client.get(link, follow=True)
    assert signup.redirect_chain[-1][0] == "/accounts/signup/"
    assert b"newcomer@team.test" in signup.content

    response = client.post(
        "/accounts/signup/",
        {"email": "newcomer@team.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    member = User.objects.get(email="newcomer@team.test")
    assert member.role == Role.EDITOR
    # The invitation proved the address: no verification round-trip, signed in at once.
    assert client.get("/").status_code == 200
    assert Invitation.objects.get(email="newcomer@team.test").status == "accepted"


def test_invitation_link_works_only_once(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox)
    client.get(link)
    client.post(
        "/accounts/signup/",
        {"email": "newcomer@team.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_expired_invitation_is_refused(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert b"The invitation has expired." in response.content
    # The refused link opened nothing: no invitation waits in the session for a sign-up.
    assert "invitation_id" not in client.session
    assert client.get("/accounts/signup/").templates[0].name == "account/signup_closed.html"
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize("lapse", ["expired", "revoked"])
def test_an_invitation_that_lapses_while_signing_up_creates_no_member(
    client, team_admin, mailoutbox, lapse
):
    link = _invite(client, team_admin, mailoutbox)
    form = client.get(link, follow=True)
    assert form.redirect_chain[-1][0] == "/accounts/signup/"
    assert b"newcomer@team.test" in form.content  # the sign-up form is open
    invitation = Invitation.objects.get()
    if lapse == "expired":
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        admin = Client()
        admin.force_login(team_admin)
        admin.post(f"/team/invitations/{invitation.pk}/revoke")
    response = client.post(
        "/accounts/signup/",
        {"email": "newcomer@team.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.templates[0].name == "account/signup_closed.html"
    assert not User.objects.filter(email="newcomer@team.test").exists()
    assert Invitation.objects.get().status == lapse


def test_invitation_is_for_its_own_address_only(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox)
    client.get(link)
    response = client.post(
        "/accounts/signup/",
        {"email": "someone-else@team.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert b"This invitation is for newcomer@team.test" in response.content
    assert not User.objects.filter(email="someone-else@team.test").exists()


def test_sign_up_is_closed_without_an_invitation(client, db):
    response = client.get("/accounts/signup/")
    assert response.templates[0].name == "account/signup_closed.html"
    client.post(
        "/accounts/signup/",
        {"email": "walk-in@team.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="walk-in@team.test").exists()


def test_allowed_domain_opens_sign_up_to_that_domain_only(client, db, settings, mailoutbox):
    settings.ALLOWED_SIGNUP_DOMAINS = ["example.org"]
    refused = client.post(
        "/accounts/signup/",
        {"email": "x@elsewhere.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert b"Sign-up is open to invited addresses only." in refused.content
    client.post(
        "/accounts/signup/",
        {"email": "x@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    member = User.objects.get(email="x@example.org")
    assert member.role == Role.VIEWER
    # Domain sign-ups prove their address by e-mail first.
    assert "Please Confirm Your Email Address" in mailoutbox[-1].subject


def test_a_weak_password_is_refused_and_the_email_kept(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox)
    client.get(link)
    response = client.post(
        "/accounts/signup/",
        {"email": "newcomer@team.test", "password1": "12345678", "password2": "12345678"},
    )
    assert b"This password is too common." in response.content
    assert b'value="newcomer@team.test"' in response.content


@pytest.mark.parametrize("email", ["admin@team.test", "ADMIN@team.test"])
def test_existing_members_cannot_be_invited_again(client, team_admin, email):
    client.force_login(team_admin)
    response = client.post("/team/", {"email": email, "role": "viewer"})
    assert response.status_code == 400
    assert b"already belongs to a member" in response.content


def test_revoked_invitation_cannot_be_used(client, team_admin, mailoutbox):
    link = _invite(client, team_admin, mailoutbox)
    client.force_login(team_admin)
    invitation = Invitation.objects.get()
    revoked = client.post(f"/team/invitations/{invitation.pk}/revoke", follow=True)
    assert b"The invitation for newcomer@team.test is revoked." in revoked.content
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.status == "revoked"
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert b"The invitation was withdrawn." in response.content
    assert "invitation_id" not in client.session
