from django.urls import path

from kantata_admin.connections import views

app_name = "connections"

urlpatterns = [
    path("", views.connection_page, name="page"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("personal-token/", views.personal_token, name="personal_token"),
]
