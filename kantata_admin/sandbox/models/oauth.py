from django.db import models
from django.utils import timezone

from kantata_admin.sandbox.models.directory import SandboxUser


class OAuthApplication(models.Model):
    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=100, unique=True)
    # sha256 of the secret: like a real authorization server, never the secret itself.
    client_secret_hash = models.CharField(max_length=64)
    redirect_uris = models.JSONField(default=list)
    owner = models.ForeignKey(SandboxUser, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "OAuth application"

    def __str__(self) -> str:
        return self.name


class AuthorizationCode(models.Model):
    application = models.ForeignKey(OAuthApplication, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    redirect_uri = models.CharField(max_length=1000)
    code_challenge = models.CharField(max_length=200, blank=True, default="")
    code_challenge_method = models.CharField(max_length=10, blank=True, default="")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"code #{self.pk} for {self.application_id}"


class AccessToken(models.Model):
    application = models.ForeignKey(
        OAuthApplication, on_delete=models.CASCADE, related_name="tokens"
    )
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    # Only with KANTATA_SANDBOX_TOKEN_TTL: the pair's refresh token (a digest, like the
    # token) and when the access token stops working. Revoking the row retires both.
    refresh_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Set when issued from a code, so that replaying the code can revoke what it gave.
    authorization_code = models.ForeignKey(
        AuthorizationCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Requests a minute for this token; null follows settings.KANTATA_SANDBOX_RATE_LIMIT.
    rate_limit = models.PositiveIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"token #{self.pk}"


class Fault(models.Model):
    """The next `remaining` API calls made with `token` misbehave as `kind` says."""

    class Kind(models.TextChoices):
        TOO_MANY_REQUESTS = "429"
        UNAVAILABLE = "503"
        DELAY = "delay"
        DROP = "drop"
        MALFORMED = "malformed"

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="faults")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    remaining = models.PositiveIntegerField(default=1)
    retry_after = models.PositiveIntegerField(null=True, blank=True)
    delay_ms = models.PositiveIntegerField(default=0)
    # A drop or malformed answer sent instead of running the call: the answer is lost and
    # nothing was done (by default the call runs first and only its answer is lost).
    before_work = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} x{self.remaining}"
