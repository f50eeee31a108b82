"""Where the pictures of the marketplace live, and which one a listing or creator shows.

The illustrations are files under the top-level ``assets/`` folder, which Reflex serves at the site
root: ``/agents/<slug>.svg`` for each catalogue agent, ``/creators/<username>.svg`` for each
catalogue creator and ``/categories/<category>.svg`` for each category. They are drawn by
:mod:`autogpt_app.store.illustrations` and written by ``scripts/make_images.py``.

A listing without an image of its own (an uploaded agent whose author chose none) shows the
illustration of its first known category, so no two kinds of agent share one placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from autogpt_app.store.categories import CATEGORIES

#: The top-level folder Reflex serves at ``/``.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
#: The illustration of an agent with no known category (a library agent of one's own, say).
GENERAL = "general"


def agent_image(slug: str) -> str:
    """Site path of a catalogue agent's illustration."""
    return f"/agents/{slug}.svg"


def creator_image(username: str) -> str:
    """Site path of a catalogue creator's avatar."""
    return f"/creators/{username}.svg"


def category_image(categories: Iterable[str] = ()) -> str:
    """Site path of the illustration for the first known category in ``categories`` (or the general one)."""
    first = next((c for c in categories if c in CATEGORIES), GENERAL)
    return f"/categories/{first}.svg"


def listing_image(image_url: str, categories: Iterable[str] = ()) -> str:
    """What a listing card shows: its own image, or else its category's illustration."""
    return image_url or category_image(categories)


def asset_file(site_path: str) -> Path:
    """The file under ``assets/`` that a site path like ``/agents/x.svg`` is served from."""
    return ASSETS_DIR / site_path.lstrip("/")
