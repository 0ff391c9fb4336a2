"""Shared fixtures. The sandbox harness (a real Kantata OX emulator process) is a plugin."""

pytest_plugins = ["tests.sandbox_harness"]
