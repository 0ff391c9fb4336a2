from django.urls import path

from kantata_admin.groups import edit_views, picker_views, views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("export.csv", views.group_export, name="export"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("new/", edit_views.group_create, name="create"),
    path("<int:group_id>/edit/", edit_views.group_edit, name="edit"),
    path("<int:group_id>/delete/", edit_views.group_delete, name="delete"),
    path("workspaces/search/", picker_views.workspace_search, name="workspace_search"),
]
