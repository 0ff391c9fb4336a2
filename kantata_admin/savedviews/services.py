"""Writes of saved views: save, remove, make default; and opening one, which checks its
stored query against the list's filter form as it is today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from kantata_admin.audit.models import Action
from kantata_admin.audit.services import audit_record
from kantata_admin.groups import column_layout
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filtering import GroupFilterForm
from kantata_admin.savedviews.models import (
    QUERY_MAX_LENGTH,
    ColumnChoice,
    DefaultView,
    SavedView,
)

# Never part of a view: the page is where the member was, not what they look at.
NOT_STORED = ("page",)


def stored_query(query: QueryDict) -> str:
    """The list's query string as a view keeps it: without empty values or the page."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name in NOT_STORED:
            continue
        if present := [value for value in values if value.strip()]:
            kept.setlist(name, present)
    text = kept.urlencode()
    if len(text) > QUERY_MAX_LENGTH:
        raise ValidationError("These filters are too long to save as a view.")
    return text


def saved_view_create(
    member, *, name: str, query: QueryDict, shared: bool, make_default: bool
) -> SavedView:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the view a name.")
    if shared and not member.can_edit:
        raise PermissionDenied("Viewers keep their views to themselves.")
    try:
        with transaction.atomic():
            view = SavedView.objects.create(
                owner=member, name=name, query=stored_query(query), shared=shared
            )
            if make_default:
                saved_view_make_default(member, view)
    except IntegrityError:
        raise ValidationError(f"You already have a view named “{name}”.") from None
    return view


def may_remove(member, view: SavedView) -> bool:
    """The owner removes their views; an admin also removes any shared one."""
    return view.owner_id == member.pk or (view.shared and member.is_team_admin)


def saved_view_remove(member, view: SavedView) -> None:
    if not may_remove(member, view):
        raise PermissionDenied("Only its owner or a team admin can remove this view.")
    if view.owner_id != member.pk:
        # An admin removing a teammate's shared view is a change to the team's tools.
        audit_record(
            actor=member,
            action=Action.SAVED_VIEW_REMOVE,
            changes={"view": view.name, "owner": view.owner.email, "query": view.query},
        )
    view.delete()


def saved_view_make_default(member, view: SavedView | None) -> None:
    """`view` becomes what the member's /groups/ opens with (None: the plain list)."""
    if view is None:
        DefaultView.objects.filter(member=member).delete()
        return
    if not (view.owner_id == member.pk or view.shared):
        raise PermissionDenied("That view is not yours.")
    DefaultView.objects.update_or_create(member=member, defaults={"view": view})


@dataclass(frozen=True)
class OpenedView:
    """A view's query as the filter form accepts it today, and what had to be left out."""

    query: str
    warnings: tuple[str, ...]


def saved_view_open(view: SavedView, custom_fields: Sequence[CustomFieldSpec]) -> OpenedView:
    """Check the stored query against today's filter form: a parameter it no longer knows
    (a custom field deleted in Kantata OX) or a value it now refuses (a choice removed) is
    left out with a warning, and the rest of the view still opens."""
    params = QueryDict(view.query, mutable=True)
    form = GroupFilterForm(params, custom_fields=custom_fields)
    warnings: list[str] = []
    unknown = sorted(name for name in params if name not in form.fields)
    for name in unknown:
        del params[name]
    if unknown:
        warnings.append(
            f"The view “{view.name}” filtered on something Kantata OX no longer has (a "
            "custom field removed since it was saved); that filter was left out."
        )
    known = {column_layout.custom_key(spec.id) for spec in custom_fields}
    columns = params.getlist("columns")
    gone = [
        value
        for value in columns
        if (key := column_layout.normalise(value)) and key.startswith("cf_") and key not in known
    ]
    if gone:
        params.setlist("columns", [value for value in columns if value not in gone])
        warnings.append(
            f"The view “{view.name}” showed a column Kantata OX no longer has (a custom "
            "field removed since it was saved); that column was left out."
        )
    if not form.is_valid():
        for name in sorted(form.errors):
            if name in params:
                label = form.fields[name].label or name
                del params[name]
                warnings.append(
                    f"The view “{view.name}” had a value for “{label}” that is no longer "
                    "accepted; that filter was left out."
                )
    return OpenedView(params.urlencode(), tuple(warnings))


def default_view_for(member) -> SavedView | None:
    default = DefaultView.objects.filter(member=member).select_related("view").first()
    return default.view if default else None


# --- the member's columns ------------------------------------------------------------------


def remembered_columns(member) -> tuple[str, ...] | None:
    """The layout the member chose last, or None (they see the default)."""
    stored = ColumnChoice.objects.filter(member=member).values_list("columns", flat=True).first()
    return column_layout.from_text(stored) if stored else None


def column_choice_save(member, layout: Sequence[str] | None) -> None:
    """Remember `layout` as the member's columns (None: back to the default)."""
    if layout is None:
        ColumnChoice.objects.filter(member=member).delete()
        return
    ColumnChoice.objects.update_or_create(
        member=member, defaults={"columns": column_layout.to_text(layout)}
    )
