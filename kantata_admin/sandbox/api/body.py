"""Request bodies: JSON, or Rails-structured form encoding (a[b]=1, a[c][]=2, a[d][e]=3),
within the limits of sandbox/limits.py (413 over the size, 400 past the nesting)."""

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest

from kantata_admin.sandbox.api.errors import ApiError, bad_request
from kantata_admin.sandbox.limits import (
    MAX_NESTING,
    NESTING_MESSAGE,
    BodyRefused,
    checked_body,
    too_deep,
)

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def rails_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nest `workspace_group[add_workspace_ids][]=1` style keys as Rails does."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise bad_request(f"Malformed parameter name {key!r}.")
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        if len(path) > MAX_NESTING:
            raise bad_request(NESTING_MESSAGE)
        node: Any = root
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            following = None if last else path[depth + 1]
            if part == "":
                if not isinstance(node, list):
                    raise bad_request(f"Conflicting parameter {key!r}.")
                if last:
                    node.append(value)
                    break
                raise bad_request(f"Nested arrays are not supported: {key!r}.")
            if not isinstance(node, dict):
                raise bad_request(f"Conflicting parameter {key!r}.")
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if following == "" else {})
    return root


def _storable(value: Any) -> bool:
    """Whether every string in a parsed body (keys too) can be stored: no NUL, which
    PostgreSQL refuses, and no lone surrogate (JSON "\\ud800"), which no UTF-8 column holds."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            if "\x00" in node:
                return False
            try:
                node.encode()
            except UnicodeEncodeError:
                return False
    return True


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except RecursionError:
        raise bad_request(NESTING_MESSAGE) from None
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    if too_deep(data):
        raise bad_request(NESTING_MESSAGE)
    return data


def read_body(request: HttpRequest) -> dict[str, Any]:
    """The body as a dict; a malformed, deeply nested or unstorable body is a 400 system
    error, one over the size limit a 413."""
    try:
        raw = checked_body(request)
    except BodyRefused as refused:
        raise ApiError(refused.status, refused.message) from None
    content_type = request.content_type or ""
    if content_type == "application/json" or (not content_type and raw.lstrip()[:1] == b"{"):
        data = _json(raw)
    else:
        try:
            pairs = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
        except (UnicodeDecodeError, ValueError):
            raise bad_request("The request body is not valid form data.") from None
        data = rails_form(pairs)
    if not _storable(data):
        raise bad_request("The request body contains characters that cannot be stored.")
    return data
