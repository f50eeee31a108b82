"""Notifications: rows per user plus a real-time push on the user's bus channel.

Preferences, e-mail delivery and the bell UI come later; everything goes through
:mod:`autogpt_app.notifications.service`.
"""
