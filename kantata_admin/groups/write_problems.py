"""The partial-save wording, kept importable here: every upstream failure's wording lives in
groups/problems.py (`problem_for`)."""

from kantata_admin.groups.problems import values_problem

__all__ = ["values_problem"]
