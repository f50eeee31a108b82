"""Per-user credentials vault: secrets that agent blocks use, encrypted at rest.

``models`` holds the table and the public/secret shapes, ``crypto`` the MultiFernet keys and
encryption, ``service`` the owner-checked operations every adapter (API, pages, blocks) uses.
"""
