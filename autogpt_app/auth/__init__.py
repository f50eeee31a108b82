"""Accounts: users, roles and permissions, passwords, tokens, API keys."""
