from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "kantata_admin.groups"
    label = "groups"
    verbose_name = "Workspace groups"
