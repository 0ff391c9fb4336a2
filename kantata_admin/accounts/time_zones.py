"""Each member's time zone: the names this server knows, and the zone a request runs in."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.utils import timezone


@cache
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names, sorted; without the legacy aliases nobody picks from a list."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    names = {name for name in available_timezones() if "/" in name and not name.startswith(legacy)}
    return tuple(sorted(names | {"UTC"}))


class MemberTimeZoneMiddleware:
    """Every time a page, fragment or download shows is in the signed-in member's zone
    (the server's, UTC, until they have one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None else ""
        if zone and zone in time_zone_names():
            timezone.activate(ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
