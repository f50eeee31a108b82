"""Importing this package registers every page."""

from autogpt_app.ui.pages import (  # noqa: F401
    account,
    account_email,
    admin,
    admin_submissions,
    builder,
    chat,
    credentials,
    library,
    library_agent,
    login,
    marketplace,
    marketplace_creator,
    marketplace_listing,
    not_found,
    notifications,
    runs,
    schedules,
    signup,
    submissions,
    trigger,
)
