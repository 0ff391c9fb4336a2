from django.urls import path

from kantata_admin.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("<int:run_id>/", views.import_run, name="run"),
    path("<int:run_id>/dry-run.csv", views.import_run_csv, name="csv"),
    path("<int:run_id>/apply/", views.import_apply, name="apply"),
    path("<int:run_id>/discard/", views.import_discard, name="discard"),
]
