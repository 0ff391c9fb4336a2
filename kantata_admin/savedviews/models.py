"""Saved views of the group list: a name and the list's query string, kept for a member
or shared with the team (NetBox's saved filters, Nautobot's saved views)."""

from django.conf import settings
from django.db import models

NAME_MAX_LENGTH = 80
QUERY_MAX_LENGTH = 4000


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, member) -> "SavedViewQuerySet":
        """The member's own views and every shared one, shared first, then by name."""
        return self.filter(models.Q(owner=member) | models.Q(shared=True)).order_by(
            "-shared", models.functions.Lower("name"), "pk"
        )


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # The list's query string without its page: filters, columns, sort and page size.
    query = models.TextField(max_length=QUERY_MAX_LENGTH, blank=True)
    shared = models.BooleanField("shared with the team", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "owner", name="saved_view_name_unique_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DefaultView(models.Model):
    """The view a member's /groups/ opens with (their own or a shared one)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="default_view"
    )
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.member} opens {self.view}"


class ColumnChoice(models.Model):
    """The group list's columns a member chose, in order (groups.column_layout keys): their
    list shows them whenever its query names no columns of its own (a saved view's does)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="column_choice"
    )
    columns = models.TextField(max_length=QUERY_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member}: {self.columns}"
