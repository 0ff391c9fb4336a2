"""Found by `bench/team_load.py --scenario faults`: fifty members' pages met 429s now and
then, each one doubling the account's job cool-down, and only a job's own success ended
the doubling. The paused job had no success to make, so the pause sat at its 30 s cap
and every page's 429 renewed it: the job stood still (150 of 300 items) for minutes
after the faults stopped. A page's success ends the doubling too, as the rule says
("ends at the first success after it"): a 429 after it pauses the jobs about 1 s again."""

import pytest

from kantata_admin.ratebudget.budget import PAGE, AccountBudget, cooldown_remaining, reset_buckets

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(settings, tmp_path):
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = 600
    settings.KANTATA_RATE_BUDGET_SQLITE = str(tmp_path / "budget.sqlite3")
    reset_buckets()
    yield
    reset_buckets()


def test_pages_between_429s_keep_the_jobs_pause_short(budget):
    one, other = AccountBudget("acct-load-1", PAGE), AccountBudget("acct-load-1", PAGE)
    for _ in range(10):
        one.answered(429)  # one member's page is refused...
        other.answered(200)  # ...while another member's pages are answered
    one.answered(429)
    assert cooldown_remaining("acct-load-1") <= 1.0


def test_429s_in_a_row_still_double(budget):
    page = AccountBudget("acct-load-2", PAGE)
    for _ in range(3):
        page.answered(429)
    assert cooldown_remaining("acct-load-2") > 2.0
