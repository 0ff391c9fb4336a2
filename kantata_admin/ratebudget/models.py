"""A Kantata account's cool-down after a 429: shared by every web and worker process
through the database, so one refusal slows every job of that account."""

from django.db import models


class AccountCooldown(models.Model):
    account_id = models.CharField("Kantata account id", max_length=64, unique=True)
    # Jobs of the account send nothing before this moment.
    until = models.DateTimeField()
    # Consecutive 429s without a success since: the next wait doubles with each.
    level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "account cool-down"

    def __str__(self) -> str:
        return f"account {self.account_id} until {self.until:%H:%M:%S} (level {self.level})"
