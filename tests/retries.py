"""The tests' one retry policy: short waits, so a retried 429 or 503 costs tenths of a
second, not seconds."""

from kantata_admin.kantata import RetryPolicy

FAST_RETRIES = RetryPolicy(max_attempts=4, backoff_base=0.02, backoff_cap=0.1, total_budget=15)
