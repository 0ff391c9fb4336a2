import re

import pytest
from django.test import Client

from tests.core.failing_urls import SECRET_DETAIL


def test_unknown_page_shows_a_styled_404(client, viewer):
    client.force_login(viewer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"app.css" in response.content


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/2fa/", "/team/", "/"])
def test_signed_in_pages_are_never_cached(client, team_admin, path):
    client.force_login(team_admin)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_server_error_shows_a_page_without_details(db, settings, viewer, signed_in):
    """A view that raises reaches the project's handler500, as in production."""
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    browser = Client(raise_request_exception=False)
    if signed_in:
        browser.force_login(viewer)
    response = browser.get("/fail/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "app.css" in page
    assert SECRET_DETAIL not in page and "Traceback" not in page and "RuntimeError" not in page


def test_password_reset_sends_a_link_by_email(client, viewer, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": viewer.email})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert mailoutbox[-1].to == [viewer.email]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    form = client.get(link.group(1), follow=True)
    assert b"password1" in form.content


@pytest.mark.parametrize(
    ("path", "title"),
    [("/", "Dashboard · Kantata Admin"), ("/team/", "Team · Kantata Admin")],
)
def test_page_titles_read_page_then_product(client, team_admin, path, title):
    client.force_login(team_admin)
    page = client.get(path).content.decode()
    assert f"<title>{title}</title>" in page


def test_a_page_without_a_title_reads_the_product_alone(client, viewer):
    client.force_login(viewer)
    page = client.get("/accounts/email/").content.decode()
    assert re.search(r"<title>[^<]*Kantata Admin</title>", page)
    assert "Kantata AdminKantata Admin" not in page and "<title> · " not in page
