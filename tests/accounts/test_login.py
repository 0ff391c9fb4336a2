from allauth.account.models import EmailAddress

from tests.conftest import PASSWORD


def _verified(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_login_page_asks_for_email_and_password(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="login"' in response.content
    assert b'type="email"' in response.content
    assert b'name="password"' in response.content


def test_member_signs_in_with_email_and_password(client, viewer):
    _verified(viewer)
    response = client.post(
        "/accounts/login/", {"login": viewer.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Dashboard" in response.content
    assert response.context["user"] == viewer


def test_wrong_password_is_refused_with_a_clear_message(client, viewer):
    _verified(viewer)
    response = client.post("/accounts/login/", {"login": viewer.email, "password": "nope"})
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert not response.wsgi_request.user.is_authenticated
    # What the member typed is kept.
    assert viewer.email.encode() in response.content


def test_logout_ends_the_session(client, viewer):
    _verified(viewer)
    client.post("/accounts/login/", {"login": viewer.email, "password": PASSWORD})
    signed_in = client.get("/")
    assert signed_in.status_code == 200 and signed_in.wsgi_request.user == viewer
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    after = client.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited(client, viewer):
    _verified(viewer)
    for _ in range(5):
        client.post("/accounts/login/", {"login": viewer.email, "password": "wrong"})
    # Even the right password is refused now, with a message saying why.
    response = client.post("/accounts/login/", {"login": viewer.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_deactivated_member_cannot_sign_in(client, make_member):
    member = _verified(make_member("editor"))
    # The same address and password sign in while the member is active...
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert client.get("/").wsgi_request.user == member
    client.post("/accounts/logout/")
    member.is_active = False
    member.save(update_fields=["is_active"])
    # ...and not once they are deactivated, with a page that says so.
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
    )
    assert not response.wsgi_request.user.is_authenticated
    assert b"This account is inactive." in response.content
    assert client.get("/").status_code == 302


def test_django_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_says_membership_is_by_invitation_while_sign_up_is_closed(client, db, settings):
    invitation_only = b"Membership is by invitation"
    assert invitation_only in client.get("/accounts/login/").content
    closed = client.get("/accounts/signup/")
    assert closed.status_code == 200
    assert invitation_only in closed.content and b"<form" not in closed.content
    settings.ALLOWED_SIGNUP_DOMAINS = ["example.org"]
    assert invitation_only not in client.get("/accounts/login/").content
    assert invitation_only not in client.get("/accounts/signup/").content
