from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from kantata_admin.kantata_provider.provider import KantataProvider

urlpatterns = default_urlpatterns(KantataProvider)
