from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from kantata_admin.accounts import views as accounts_views
from kantata_admin.core import views as core_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Kantata Admin back office"
admin.site.site_title = "Kantata Admin"

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("dashboard/group-count", core_views.dashboard_group_count, name="dashboard_group_count"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/time-zone/", accounts_views.time_zone, name="time_zone"),
    path("accounts/", include("allauth.urls")),
    path("team/", include("kantata_admin.accounts.urls")),
    path("groups/", include("kantata_admin.groups.urls")),
    path("audit/", include("kantata_admin.audit.urls")),
    path("views/", include("kantata_admin.savedviews.urls")),
    path("bulk/", include("kantata_admin.bulk.urls")),
    path("import/", include("kantata_admin.imports.urls")),
    path("kantata/", include("kantata_admin.connections.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "kantata_admin.core.views.permission_denied"
handler404 = "kantata_admin.core.views.page_not_found"
handler500 = "kantata_admin.core.views.server_error"
