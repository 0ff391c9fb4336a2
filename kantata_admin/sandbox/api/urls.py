from django.urls import re_path

from kantata_admin.sandbox.api import views

_JSON = r"(?:\.json)?$"  # the documented paths end in .json; accept them without too

urlpatterns = [
    re_path(r"^openapi\.json$", views.openapi_description),
    re_path(r"^users/me" + _JSON, views.users_me),
    re_path(r"^workspace_groups" + _JSON, views.workspace_groups),
    re_path(r"^workspace_groups/(?P<pk>\d+)" + _JSON, views.workspace_group),
    re_path(r"^workspaces" + _JSON, views.workspaces),
    re_path(r"^workspaces/(?P<pk>\d+)" + _JSON, views.workspace),
    re_path(r"^custom_fields" + _JSON, views.custom_fields),
    re_path(r"^custom_field_choices" + _JSON, views.custom_field_choices),
    re_path(r"^custom_field_values" + _JSON, views.custom_field_values),
    re_path(r"^custom_field_values/(?P<pk>\d+)" + _JSON, views.custom_field_value),
    re_path(r"^rate_card_sets" + _JSON, views.rate_card_sets),
    re_path(r"^external_references" + _JSON, views.external_references),
    re_path(r"^(?P<path>.*)$", views.no_route),
]
