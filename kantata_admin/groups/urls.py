from django.urls import path

from kantata_admin.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
]
