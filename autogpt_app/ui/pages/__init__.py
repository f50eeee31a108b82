"""Importing this package registers every page."""

from autogpt_app.ui.pages import account, admin, credentials, login, sections, signup  # noqa: F401
