"""Role checks for views; the server enforces every one of them."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from kantata_admin.accounts.models import Role


def role_required(role: Role) -> Callable:
    """Refuse (403) a member whose role is below `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(role):
                raise PermissionDenied(f"This needs the {role.label} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)
