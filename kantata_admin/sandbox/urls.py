"""The sandbox's pages, OAuth server, API and test controls, at the root of its own
origin (root_urls.py), as Kantata serves its hosts."""

from django.urls import include, path

from kantata_admin.sandbox import account_views, controls, group_page, oauth_views

app_name = "sandbox"

urlpatterns = [
    path("oauth/authorize", oauth_views.authorize, name="authorize"),
    path("oauth/token", oauth_views.token, name="token"),
    path("oauth/revoke", oauth_views.revoke, name="revoke_token"),
    path("signin", account_views.signin, name="signin"),
    path("signout", account_views.signout, name="signout"),
    path("applications", account_views.applications, name="applications"),
    path("applications/<str:client_id>/revoke", account_views.revoke, name="revoke"),
    path("workspace_groups/<int:group_id>", group_page.group_page, name="group_page"),
    path("faults", controls.faults, name="faults"),
    path("rate_limit", controls.rate_limit, name="rate_limit"),
    path("controls/tokens", controls.tokens, name="control_tokens"),
    path("controls/applications", controls.applications, name="control_applications"),
    path("controls/revocations", controls.revocations, name="control_revocations"),
    path("controls/clock", controls.clock_control, name="control_clock"),
    path("api/v1/", include("kantata_admin.sandbox.api.urls")),
]
