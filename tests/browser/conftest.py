import pytest
from playwright.sync_api import Page


@pytest.fixture
def csp_violations():
    """Watch pages for anything the Content Security Policy blocked; the list stays empty."""
    seen: list[str] = []

    def watch(page: Page) -> Page:
        page.on(
            "console",
            lambda message: (
                seen.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    yield watch
    assert seen == [], seen
