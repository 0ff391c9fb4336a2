"""axe-core (from the npm registry, `npm ci`) run on a page: its accessibility violations."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[str]:
    """Every violation axe finds on the page as it is now, one line each.

    The page's context must bypass CSP (`bypass_csp=True`): axe is injected as a script
    the page's own policy rightly refuses.
    """
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed: make test runs npm ci")
        pytest.skip("axe-core is not installed (npm ci)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document)).violations.map("
        "v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)
