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
    # The Kantata OX permission needed to see / to change the field's values ("" unknown).
    read_access: str = ""
    write_access: str = ""
    # Why the member may not change the field on this form ("" when they may): the form
    # shows it read-only with this reason, and a save never sends it.
    read_only: str = ""
