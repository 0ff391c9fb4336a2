from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone

# Account permissions that may create, change and delete workspace groups; everyone
# else (e.g. "collaborator") reads only.
GROUP_WRITERS = frozenset({"owner", "administrator", "project_lead"})


class Account(models.Model):
    name = models.CharField(max_length=200)
    # Timestamps in API answers carry this zone's offset, as the real service does.
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")

    def __str__(self) -> str:
        return self.name


class SandboxUser(models.Model):
    """A Kantata OX user; separate from the dashboard's own accounts.User."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    headline = models.CharField(max_length=200, blank=True, default="")
    password = models.CharField(max_length=200)
    account_permission = models.CharField(max_length=40, default="administrator")
    plan_type = models.CharField(max_length=40, default="enterprise")

    class Meta:
        verbose_name = "sandbox user"

    def __str__(self) -> str:
        return self.email

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)

    @property
    def can_write_groups(self) -> bool:
        return self.account_permission in GROUP_WRITERS


class Workspace(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="workspaces")
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    archived = models.BooleanField(default=False)
    access_level = models.CharField(max_length=20, default="open")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status_color = models.CharField(max_length=20, default="green")
    status_key = models.IntegerField(default=310)
    status_message = models.CharField(max_length=40, default="Active")
    participants = models.ManyToManyField(SandboxUser, related_name="workspaces", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "updated_at"])]

    def __str__(self) -> str:
        return self.title
