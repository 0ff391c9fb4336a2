"""JSON answers written the way Kantata OX writes them."""

from django.http import JsonResponse

# The recorded Content-Type of every answer of the real service.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class KantataJsonResponse(JsonResponse):
    """Compact JSON (`{"count":390,...}`, as the real service sends) with UTF-8 text left
    as it is rather than escaped to `\\uXXXX`."""

    def __init__(self, data, **kwargs):
        kwargs.setdefault("json_dumps_params", {"separators": (",", ":"), "ensure_ascii": False})
        kwargs.setdefault("content_type", JSON_CONTENT_TYPE)
        super().__init__(data, **kwargs)
