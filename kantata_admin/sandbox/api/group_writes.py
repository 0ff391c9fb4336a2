"""POST, PUT/PATCH and DELETE of workspace groups, through the shared write pipeline
(writes.py): what is particular to groups is how a change is saved."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ValidationFailed, not_found
from kantata_admin.sandbox.api.group_validation import (
    NAME_TAKEN,
    REFERENCE_REQUIRED,
    GroupChange,
    validate,
)
from kantata_admin.sandbox.api.groups import WORKSPACE_GROUPS
from kantata_admin.sandbox.api.writes import Writer
from kantata_admin.sandbox.models import CustomFieldValue, ExternalReference, WorkspaceGroup
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT

NAME_CONSTRAINT = "sandbox_group_name_unique_per_account"


def _is_name_clash(error: IntegrityError) -> bool:
    """Whether the database refused the write for the name constraint, and nothing else."""
    diag = getattr(error.__cause__, "diag", None)  # psycopg names the constraint
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name == NAME_CONSTRAINT
    # SQLite names the columns of a violated unique index instead.
    table = WorkspaceGroup._meta.db_table
    return f"UNIQUE constraint failed: {table}.account_id, {table}.name_key" in str(error)


def _apply(ctx: ApiContext, group: WorkspaceGroup, change: GroupChange, *, new: bool) -> None:
    now = timezone.now()
    for name, value in change.attributes.items():
        setattr(group, name, value)
    group.updated_at = now
    try:
        with transaction.atomic():
            # force_update: an update must never re-insert a group deleted meanwhile.
            group.save(force_insert=new, force_update=not new)
            if change.add_ids:
                group.workspaces.add(*change.add_ids)
            if change.remove_ids:
                group.workspaces.remove(*change.remove_ids)
            if change.reference is not None:
                _save_reference(ctx, group, change.reference, now)
    except WorkspaceGroup.NotUpdated:
        raise not_found() from None
    except IntegrityError as error:
        if not _is_name_clash(error):
            raise
        # Two writers raced past the name check; the database constraint decided.
        raise ValidationFailed([("name", NAME_TAKEN)]) from None


def _save_reference(ctx: ApiContext, group: WorkspaceGroup, values: dict, now) -> None:
    key = {name: values.pop(name) for name in REFERENCE_REQUIRED}
    reference, _ = ExternalReference.objects.get_or_create(
        account=ctx.account,
        subject_type=GROUP_SUBJECT,
        subject_id=group.pk,
        **key,
        defaults={"created_at": now},
    )
    for name, value in values.items():
        setattr(reference, name, value)
    reference.updated_at = now
    reference.save()


def _own_groups(ctx: ApiContext):
    return WorkspaceGroup.objects.filter(account=ctx.account)


def _validate(ctx: ApiContext, data: dict, group: WorkspaceGroup | None) -> GroupChange:
    return validate(ctx, data, group)  # looked up at call time: tests stand in for it


def _save(ctx: ApiContext, change: GroupChange, group: WorkspaceGroup | None) -> list:
    if group is None:
        now = timezone.now()
        group = WorkspaceGroup(account=ctx.account, created_at=now, updated_at=now)
        _apply(ctx, group, change, new=True)
    else:
        _apply(ctx, group, change, new=False)
    return [group]


def _remove(ctx: ApiContext, group: WorkspaceGroup) -> None:
    # Values and references point at their subject by id, not by foreign key.
    CustomFieldValue.objects.filter(subject_type=GROUP_SUBJECT, subject_id=group.pk).delete()
    ExternalReference.objects.filter(subject_type=GROUP_SUBJECT, subject_id=group.pk).delete()
    group.delete()


GROUP_WRITER = Writer(
    resource=WORKSPACE_GROUPS,
    what="workspace groups",
    own=_own_groups,
    validate=_validate,
    save=_save,
    remove=_remove,
)
