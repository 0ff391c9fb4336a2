"""JSON answers written the way Kantata OX writes them."""

from django.http import JsonResponse


class KantataJsonResponse(JsonResponse):
    """Compact JSON (`{"count":390,...}`, as the real service sends) with UTF-8 text left
    as it is rather than escaped to `\\uXXXX`."""

    def __init__(self, data, **kwargs):
        kwargs.setdefault("json_dumps_params", {"separators": (",", ":"), "ensure_ascii": False})
        super().__init__(data, **kwargs)
