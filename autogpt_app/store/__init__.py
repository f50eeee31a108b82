"""The marketplace: creators, listings and their versions, reviews, submissions and search.

``models`` holds the tables and public shapes, ``search`` the one search function (PostgreSQL
full-text + trigram fallback, SQLite FTS5 + trigram fallback), ``service`` submissions, admin
review and listing pages, ``ratings`` reviews, run counts and the home-page rows.
"""
