from django.db import models

from kantata_admin.sandbox.models.oauth import AccessToken


class RateWindow(models.Model):
    """How many API calls one token made in one minute (`minute` = epoch seconds // 60).

    Kept in the database, not in a process or a per-process cache, so that every worker
    of every server counts against the same budget."""

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert in ratelimit.py conflicts on exactly these columns.
            models.UniqueConstraint(fields=["token", "minute"], name="sandbox_one_rate_window")
        ]
        # Pruning deletes finished minutes across all tokens.
        indexes = [models.Index(fields=["minute"])]

    def __str__(self) -> str:
        return f"token #{self.token_id} minute {self.minute}: {self.calls}"
