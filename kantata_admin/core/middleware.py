from django.utils.cache import add_never_cache_headers


class NeverCacheAuthenticatedMiddleware:
    """Signed-in pages are never stored by browsers or proxies.

    Views add `never_cache` themselves; this covers the ones that come from libraries
    (allauth's account and MFA pages) so that back or a shared proxy never shows them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
