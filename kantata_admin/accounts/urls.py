from django.urls import path

from kantata_admin.accounts import views

urlpatterns = [
    path("", views.team, name="team"),
    path("members/<int:pk>/role", views.member_role, name="member_role"),
    path("members/<int:pk>/active", views.member_active, name="member_active"),
    path("invitations/<int:pk>/revoke", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>", views.invitation_accept, name="invitation_accept"),
]
