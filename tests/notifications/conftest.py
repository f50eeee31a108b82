"""Fixtures of these tests: a real SMTP server (``inbox``)."""

from tests.fakes.smtp_inbox import inbox  # noqa: F401 - a fixture, found by name
