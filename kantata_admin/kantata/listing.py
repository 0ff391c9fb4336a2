"""The listing base every resource namespace stands on (stripe's list and API resource
bases): a collection path, a record type, and the requestor that sends."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from .encoding import IdLike, encode_id, encode_id_list, encode_text
from .pagination import Page
from .records import Record
from .requestor import Requestor


def subject_params(subject_type: str, subject_ids: Iterable[IdLike] | None) -> dict[str, str]:
    """`subject_type`, and `with_subject_id` when only some subjects are wanted."""
    params = {"subject_type": encode_text(subject_type, name="subject_type")}
    if subject_ids is not None:
        params["with_subject_id"] = encode_id_list(subject_ids, name="subject_ids")
    return params


class Resource:
    """The listing base: `path` is the collection (`/workspace_groups.json`), `record` the
    type it holds. Subclasses build the query; these send it."""

    path: ClassVar[str]
    record: ClassVar[type[Record]]

    def __init__(self, requestor: Requestor) -> None:
        self._requestor = requestor

    def _page(self, params: Mapping[str, str], **paging: Any) -> Page[Any]:
        """One page; `paging` is page/per_page, or limit/offset, and `if_none_match`."""
        return self._requestor.list_page(self.path, self.record, params, **paging)

    def _walk(self, params: Mapping[str, str], **walk: Any) -> Iterator[Any]:
        return self._requestor.iter_all(self.path, self.record, params, **walk)

    def _member(self, record_id: IdLike) -> str:
        # Validating the id keeps a stray "../" or query out of the path.
        return f"{self.path.removesuffix('.json')}/{encode_id(record_id, name='id')}.json"

    def _one(self, method: str, path: str, **request: Any) -> Any:
        return self._requestor.fetch_one(method, path, self.record, **request)
