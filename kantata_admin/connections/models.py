from django.conf import settings
from django.db import models
from django.utils import timezone


class KantataConnection(models.Model):
    """A member's own Kantata OX connection: who they are there, and their tokens.

    Tokens are stored only encrypted (crypto.py) and only read through services.py; no
    form, admin page or template ever sees them.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Connected"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"

    class Kind(models.TextChoices):
        OAUTH = "oauth", "Kantata OX sign-in"
        PERSONAL = "personal", "Personal token"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kantata_connection",
        verbose_name="member",
    )
    # One Kantata identity belongs to one member: it is refused for anyone else.
    kantata_user_id = models.CharField("Kantata user id", max_length=64, unique=True)
    account_id = models.CharField("Kantata account id", max_length=64, blank=True)
    name = models.CharField("Kantata name", max_length=255, blank=True)
    email = models.CharField("Kantata e-mail", max_length=254, blank=True)
    access_token_encrypted = models.TextField(editable=False)
    refresh_token_encrypted = models.TextField(blank=True, default="", editable=False)
    expires_at = models.DateTimeField("access expires at", null=True, blank=True)
    # A little before expires_at: from then on the next page view refreshes first.
    refresh_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A page refreshing the tokens holds this lease (refresh.py): no other spends the
    # refresh token meanwhile, and no transaction stays open across the token call.
    refresh_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OAUTH)
    connected_at = models.DateTimeField("connected since", default=timezone.now)
    # Written at most once a minute (services.LAST_USED_GRANULARITY).
    last_used_at = models.DateTimeField("last used", null=True, blank=True)

    class Meta:
        ordering = ["user__email"]
        verbose_name = "Kantata OX connection"

    def __str__(self) -> str:
        return f"{self.user} as {self.name or self.kantata_user_id}"

    @property
    def needs_reconnect(self) -> bool:
        return self.status == self.Status.NEEDS_RECONNECT

    @property
    def can_refresh(self) -> bool:
        return bool(self.refresh_token_encrypted)
