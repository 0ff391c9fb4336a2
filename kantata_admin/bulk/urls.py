from django.urls import path

from kantata_admin.bulk import views

app_name = "bulk"

urlpatterns = [
    path("", views.bulk_jobs, name="jobs"),
    path("new/", views.bulk_new, name="new"),
    path("preview/", views.bulk_preview, name="preview"),
    path("start/", views.bulk_start, name="start"),
    path("<int:job_id>/", views.bulk_job, name="job"),
    path("<int:job_id>/cancel/", views.bulk_job_cancel, name="cancel"),
    path("<int:job_id>/resume/", views.bulk_job_resume, name="resume"),
    path("<int:job_id>/summary.csv", views.bulk_job_csv, name="csv"),
    path("<int:job_id>/revert/", views.bulk_job_revert, name="revert"),
    path("revert-change/<int:entry_id>/", views.audit_entry_revert, name="revert_entry"),
]
