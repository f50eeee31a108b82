"""Fixtures of these tests: a person with an agent and its webhook triggers (``tests/triggers``)."""

from tests.triggers.conftest import ada, greeter, make_webhook  # noqa: F401 - fixtures, found by name
