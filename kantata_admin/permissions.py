"""Role checks for views; the server enforces every one of them.

Below every app (it imports none of them), so that any app's views can use it: the
audit log's among them, which the accounts app itself writes to.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(role: str) -> Callable:
    """Refuse (403) a member whose role is below `role` (a `Role` value: a member's
    `has_role` ranks them)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied(f"This needs the {role.capitalize()} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = role_required("editor")
admin_required = role_required("admin")
