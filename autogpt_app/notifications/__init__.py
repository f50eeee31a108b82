"""Notifications: rows per user plus a real-time push on the user's bus channel, and e-mail.

* :mod:`~autogpt_app.notifications.service` creates (honouring preferences), lists, marks and deletes;
* :mod:`~autogpt_app.notifications.preferences` holds each user's channel per type and the digest;
* :mod:`~autogpt_app.notifications.triggers` turns run ends and new marketplace versions into notifications;
* :mod:`~autogpt_app.notifications.email` renders, queues (outbox) and sends the e-mails.
"""
