"""Resource namespaces: a method or two lines each over a shared listing base.

Each namespace names its collection and record type; the base turns a query into a page, a
lazy walk or one record through the requestor. Resources depend on the requestor, never on
the client that holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .encoding import PAGE_CAP, IdLike, encode_id_list, encode_text
from .filters import (
    STABLE_ORDER,
    WorkspaceFilters,
    WorkspaceGroupFilters,
    WorkspaceGroupOrder,
    group_params,
    workspace_params,
)
from .listing import Resource, subject_params
from .pagination import Page
from .payloads import (
    ExternalReferenceInput,
    WorkspaceGroupInput,
    workspace_group_body,
)
from .records import (
    CustomField,
    CustomFieldChoice,
    ExternalReference,
    RateCardSet,
    User,
    Workspace,
    WorkspaceGroup,
)
from .recovery import create_once

GROUP_SUBJECT = "WorkspaceGroup"
Payload = WorkspaceGroupInput | Mapping[str, Any]


def _named(name: str | None) -> dict[str, str]:
    # Passing the group's current name saves update() a read (and a stale-name race).
    return {} if name is None else {"name": name}


def _custom_field_params(subject_type: str) -> dict[str, str]:
    return {"subject_type": encode_text(subject_type, name="subject_type"), "include": "choices"}


class WorkspaceGroups(Resource):
    """`/workspace_groups`: list for tables, `iter_all` for exports, and the writes."""

    path = "/workspace_groups.json"
    record = WorkspaceGroup

    def list(
        self,
        filters: WorkspaceGroupFilters | None = None,
        *,
        include: Iterable[str] = (),
        order: WorkspaceGroupOrder | str | None = None,
        optional_fields: Iterable[str] = (),
        page: int = 1,
        per_page: int = 20,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page[WorkspaceGroup]:
        params = group_params(
            filters, include=include, order=order, optional_fields=optional_fields
        )
        return self._page(params, page=page, per_page=per_page, limit=limit, offset=offset)

    def iter_all(
        self,
        filters: WorkspaceGroupFilters | None = None,
        *,
        include: Iterable[str] = (),
        order: WorkspaceGroupOrder | str | None = None,
        optional_fields: Iterable[str] = (),
        per_page: int = PAGE_CAP,
    ) -> Iterator[WorkspaceGroup]:
        """Every matching group, page by page, oldest first unless `order` is given.

        Creation order keeps the walk stable: a rename or edit mid-walk does not move a
        group to another page (the default name order would, skipping it or showing it
        twice), and a group created mid-walk lands at the end. A group deleted mid-walk
        still shifts the later ones back by one, so one of them can be missed.
        """
        order = order or STABLE_ORDER
        params = group_params(
            filters, include=include, order=order, optional_fields=optional_fields
        )
        return self._walk(params, per_page=per_page)

    def get(self, group_id: IdLike, *, include: Iterable[str] = ()) -> WorkspaceGroup:
        return self._one("GET", self._member(group_id), params=group_params(include=include))

    def create(self, payload: Payload, *, include: Iterable[str] = ()) -> WorkspaceGroup:
        """Create a group. If the answer is lost, the group is looked up by name and taken
        only if this call made it (see `recovery.create_once`)."""
        body = workspace_group_body(payload, creating=True)
        sent = body["workspace_group"]
        return create_once(
            self._requestor,
            self.path,
            WorkspaceGroup,
            json=body,
            sent=sent,
            params=group_params(include=include),
            find_existing=lambda deadline: self.find_by_name(
                sent["name"], include=include, deadline=deadline
            ),
        )

    def update(
        self, group_id: IdLike, payload: Payload, *, include: Iterable[str] = ()
    ) -> WorkspaceGroup:
        """PUT the fields given; fields given as None are not sent (left unchanged).

        The API requires `name` on every update. Pass the name you showed the user: without
        it the current name is read first (one extra call), and a rename made by someone
        else between that read and this write would be reverted.
        """
        body = workspace_group_body(payload, creating=False)
        if "name" not in body["workspace_group"]:
            body["workspace_group"]["name"] = self.get(group_id).name
        params = group_params(include=include)
        return self._one("PUT", self._member(group_id), params=params, json=body)

    def delete(self, group_id: IdLike) -> None:
        self._requestor.delete(self._member(group_id))

    def add_workspace_ids(
        self, group_id: IdLike, workspace_ids: Iterable[IdLike], *, name: str | None = None
    ) -> WorkspaceGroup:
        payload = {"add_workspace_ids": list(workspace_ids), **_named(name)}
        return self.update(group_id, payload, include=["workspaces"])

    def remove_workspace_ids(
        self, group_id: IdLike, workspace_ids: Iterable[IdLike], *, name: str | None = None
    ) -> WorkspaceGroup:
        payload = {"remove_workspace_ids": list(workspace_ids), **_named(name)}
        return self.update(group_id, payload, include=["workspaces"])

    def external_reference(
        self,
        group_id: IdLike,
        reference: ExternalReferenceInput | Mapping[str, Any],
        *,
        name: str | None = None,
    ) -> WorkspaceGroup:
        """Attach (or update) an integration's external reference on the group."""
        payload = {"external_reference": reference, **_named(name)}
        return self.update(group_id, payload, include=["external_references"])

    def find_by_name(
        self, name: str, *, include: Iterable[str] = (), deadline: float | None = None
    ) -> WorkspaceGroup | None:
        """The group named `name`, ignoring surrounding whitespace (the API trims names) and
        case (the API keeps names unique case-insensitively). `deadline`, from
        `KantataClient.deadline()`, bounds the whole lookup."""
        wanted = encode_text(name, name="name").strip()
        params = group_params(WorkspaceGroupFilters(matching=wanted), include=include)
        groups = self._walk(params, deadline=deadline)
        return next((g for g in groups if g.name.strip().casefold() == wanted.casefold()), None)


class Workspaces(Resource):
    """`/workspaces` (projects): by group, by name, or by search text."""

    path = "/workspaces.json"
    record = Workspace

    def list(
        self,
        filters: WorkspaceFilters | None = None,
        *,
        include: Iterable[str] = (),
        order: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Workspace]:
        params = workspace_params(filters, include=include, order=order)
        return self._page(params, page=page, per_page=per_page)

    def iter_all(
        self,
        filters: WorkspaceFilters | None = None,
        *,
        include: Iterable[str] = (),
        order: str | None = None,
    ) -> Iterator[Workspace]:
        """Every matching workspace, oldest first unless `order` is given, for the reason
        `WorkspaceGroups.iter_all` gives. A `search` orders by relevance instead, which an
        edit mid-walk can change."""
        searching = filters is not None and filters.search is not None
        if order is None and not searching:
            order = STABLE_ORDER
        return self._walk(workspace_params(filters, include=include, order=order))

    def for_groups(self, group_ids: Iterable[IdLike]) -> Iterator[Workspace]:
        return self.iter_all(WorkspaceFilters(workspace_groups=list(group_ids)))

    def search(self, text: str, *, page: int = 1, per_page: int = 20) -> Page[Workspace]:
        return self.list(WorkspaceFilters(search=text), page=page, per_page=per_page)


class CustomFields(Resource):
    """`/custom_fields` of a subject type, with their choices resolved."""

    path = "/custom_fields.json"
    record = CustomField

    def list(
        self,
        *,
        subject_type: str = GROUP_SUBJECT,
        page: int = 1,
        per_page: int = PAGE_CAP,
        if_none_match: str | None = None,
    ) -> Page[CustomField]:
        """One page of the fields, with their choices.

        To revalidate a cached copy, pass the `etag` of the page you kept as
        `if_none_match`: an unchanged page raises `NotModified` (its `etag` is the one to
        keep), a changed one comes back with its new `etag`. A page whose `etag` is None
        (the server sent no ETag) cannot be revalidated: fetch it again.
        """
        params = _custom_field_params(subject_type)
        return self._page(params, page=page, per_page=per_page, if_none_match=if_none_match)

    def iter_all(self, *, subject_type: str = GROUP_SUBJECT) -> Iterator[CustomField]:
        return self._walk(_custom_field_params(subject_type))


class CustomFieldChoices(Resource):
    """`/custom_field_choices` of some custom fields."""

    path = "/custom_field_choices.json"
    record = CustomFieldChoice

    def iter_all(self, custom_field_ids: Iterable[IdLike]) -> Iterator[CustomFieldChoice]:
        ids = encode_id_list(custom_field_ids, name="custom_field_ids")
        return self._walk({"for_custom_fields": ids})


class RateCardSets(Resource):
    path = "/rate_card_sets.json"
    record = RateCardSet

    def list(self, *, page: int = 1, per_page: int = 20) -> Page[RateCardSet]:
        return self._page({}, page=page, per_page=per_page)

    def iter_all(self) -> Iterator[RateCardSet]:
        return self._walk({})


class ExternalReferences(Resource):
    path = "/external_references.json"
    record = ExternalReference

    def list(
        self,
        *,
        subject_type: str = GROUP_SUBJECT,
        subject_ids: Iterable[IdLike] | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[ExternalReference]:
        params = subject_params(subject_type, subject_ids)
        return self._page(params, page=page, per_page=per_page)

    def iter_all(
        self, *, subject_type: str = GROUP_SUBJECT, subject_ids: Iterable[IdLike] | None = None
    ) -> Iterator[ExternalReference]:
        return self._walk(subject_params(subject_type, subject_ids))


class Users(Resource):
    path = "/users.json"
    record = User

    def me(self) -> User:
        """Who the token belongs to."""
        return self._one("GET", "/users/me.json")
