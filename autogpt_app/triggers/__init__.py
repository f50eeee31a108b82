"""Triggers: an agent starts when something happens (a webhook delivery, a new feed item, a changed
page, a new e-mail). The tables live in ``models``; services use them, pages and the API call services."""
