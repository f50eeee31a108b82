"""The marketplace's categories: one list for the catalogue, the search filters and the submit form.

A listing's categories must come from :data:`CATEGORIES` (``validation.categories`` refuses any
other name), so the filter on the search page and the chips of the submit form can never drift
apart from what listings actually carry.
"""

from __future__ import annotations

#: Every marketplace category, in the order the submit form and the filters offer them.
CATEGORIES: tuple[str, ...] = (
    "productivity",
    "writing",
    "research",
    "data",
    "finance",
    "developer",
    "marketing",
    "monitoring",
    "utilities",
    "ai",
)
