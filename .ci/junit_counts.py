"""Print pytest JUnit reports' totals as one line: `N passed, N failed, N skipped`.

Errors (a fixture that failed) count as failed. Used by .ci/run for its summary lines.
"""

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> None:
    suites = []
    for path in paths:
        root = ET.parse(path).getroot()  # noqa: S314 - our own pytest's report
        suites += [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    passed = total - failed - skipped
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
