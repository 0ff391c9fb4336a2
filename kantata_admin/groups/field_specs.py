"""The account's WorkspaceGroup custom fields as the pages use them.

Its own module because both the reads (selectors) and the forms and tables (filtering,
custom_inputs, tables) need it, and the reads in turn take a filtering query.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomFieldSpec:
    """A WorkspaceGroup custom field as the filter panel, the forms and the columns need it."""

    id: str
    name: str
    # string, date, number, currency, single or multi
    value_type: str
    # (choice id, label) in the account's order, for single and multi fields.
    choices: tuple[tuple[str, str], ...] = ()
