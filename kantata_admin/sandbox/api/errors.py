"""The API's error bodies: {"errors": [{"type", "message", "field"?}]}, one place; and the
bodiless 204."""

from django.http import HttpResponse, JsonResponse

from kantata_admin.sandbox.responses import KantataJsonResponse

OAUTH_MESSAGE = "Invalid OAuth 2 Request"


def no_content() -> HttpResponse:
    """204 No Content: no body, so no Content-Type either (Django would add text/html)."""
    response = HttpResponse(status=204)
    del response["Content-Type"]
    return response


def error_response(status: int, errors: list[dict], headers: dict | None = None) -> JsonResponse:
    return KantataJsonResponse({"errors": errors}, status=status, headers=headers)


def system_error(status: int, message: str, headers: dict | None = None) -> JsonResponse:
    return error_response(status, [{"type": "system", "message": message}], headers)


def oauth_error() -> JsonResponse:
    return error_response(401, [{"type": "oauth", "message": OAUTH_MESSAGE}])


class ApiError(Exception):
    """Raised anywhere below a view; api_endpoint turns it into a system error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> JsonResponse:
        return system_error(self.status, self.message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found() -> ApiError:
    return ApiError(404, "The requested resource could not be found.")


class ValidationFailed(Exception):
    """Every validation failure of one write, reported together as a 422: `(field,
    message)`, or `(field, message, index)` for the item of a many-record request
    (recorded: validation errors may carry `index`)."""

    def __init__(self, failures: list[tuple]) -> None:
        super().__init__("; ".join(failure[1] for failure in failures))
        self.failures = failures

    def response(self) -> JsonResponse:
        errors = []
        for field, message, *index in self.failures:
            error = {"type": "validation", "message": message, "field": field}
            if index:
                error["index"] = index[0]
            errors.append(error)
        return error_response(422, errors)
