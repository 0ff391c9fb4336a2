from django.urls import path

from kantata_admin.savedviews import views

app_name = "savedviews"

urlpatterns = [
    path("", views.saved_view_save, name="save"),
    path("<int:view_id>/", views.saved_view_open, name="open"),
    path("<int:view_id>/remove/", views.saved_view_remove, name="remove"),
    path("<int:view_id>/default/", views.saved_view_default, name="default"),
    path("default/clear/", views.saved_view_default_clear, name="default_clear"),
    path("columns/", views.column_choice_save, name="columns"),
]
