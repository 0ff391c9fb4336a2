"""Kantata Admin: a team dashboard for Kantata OX workspace groups."""

__version__ = "0.1.0"
