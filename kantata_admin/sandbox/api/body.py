"""Request bodies: JSON, or Rails-structured form encoding (a[b]=1, a[c][]=2, a[d][e]=3)."""

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest

from kantata_admin.sandbox.api.errors import bad_request

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def rails_form(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nest `workspace_group[add_workspace_ids][]=1` style keys as Rails does."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise bad_request(f"Malformed parameter name {key!r}.")
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
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


def read_body(request: HttpRequest) -> dict[str, Any]:
    """The body as a dict; malformed JSON or form data is a 400 system error."""
    content_type = request.content_type or ""
    raw = request.body
    if content_type == "application/json" or (not content_type and raw.lstrip()[:1] == b"{"):
        try:
            data = json.loads(raw or b"{}")
        except (UnicodeDecodeError, ValueError):
            raise bad_request("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise bad_request("The request body must be a JSON object.")
        return data
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The request body is not valid form data.") from None
    return rails_form(pairs)
