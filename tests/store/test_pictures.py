"""The marketplace's pictures: every seed agent and creator has its own illustration file under assets/,
seeding points listings and creators at them (and brings older rows up to date), the files match what
the drawing code makes, and a listing without an image shows its category's illustration."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

from sqlalchemy import select

from autogpt_app.db import session_scope
from autogpt_app.store import illustrations, pictures
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.models import Creator, StoreListing
from autogpt_app.store.seed import CATALOGUE, CREATORS, seed_catalogue

ROOT = Path(__file__).resolve().parents[2]


def _make_images():
    spec = importlib.util.spec_from_file_location("make_images", ROOT / "scripts" / "make_images.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_seed_agent_and_creator_has_its_own_image_file() -> None:
    agent_images = [agent.image_url for agent in CATALOGUE]
    creator_images = [creator.avatar_url for creator in CREATORS]
    assert len(set(agent_images)) == len(CATALOGUE) and len(set(creator_images)) == len(CREATORS)
    for path in [*agent_images, *creator_images]:
        file = pictures.asset_file(path)
        assert file.is_file(), f"{path} is missing: run scripts/make_images.py"
        root = ET.fromstring(file.read_text())  # noqa: S314 (our own files) well-formed SVG, nothing fetched
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and "http" not in file.read_text().replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
    # Agents of one category still look different: no two files are the same.
    assert len({pictures.asset_file(p).read_bytes() for p in agent_images}) == len(CATALOGUE)


def test_the_checked_in_files_are_what_the_drawing_code_makes() -> None:
    expected = _make_images().expected_files()
    stale = [str(path.relative_to(ROOT)) for path, content in expected.items() if path.read_bytes() != content]
    assert stale == [], "run scripts/make_images.py"


def test_favicon_and_logo_exist() -> None:
    ico = (pictures.ASSETS_DIR / "favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and b"\x89PNG" in ico
    assert (pictures.ASSETS_DIR / "logo.svg").is_file()


def test_a_listing_without_an_image_shows_its_categorys_illustration() -> None:
    assert pictures.listing_image("/_upload/listing-ab.png", ["finance"]) == "/_upload/listing-ab.png"
    assert pictures.listing_image("", ["weather", "finance"]) == "/categories/finance.svg"
    assert pictures.listing_image("", []) == "/categories/general.svg"
    for category in (*CATEGORIES, pictures.GENERAL):
        assert pictures.asset_file(pictures.category_image([category])).is_file()
        assert category in illustrations.PALETTES and category in illustrations.GLYPHS


async def test_seeding_points_listings_and_creators_at_their_pictures_and_updates_older_rows() -> None:
    async with session_scope() as s:
        await seed_catalogue(s)
    async with session_scope() as s:
        listings = {row.slug: row for row in (await s.execute(select(StoreListing))).scalars()}
        creators = list((await s.execute(select(Creator))).scalars())
        assert {slug: row.image_url for slug, row in listings.items()} == {a.slug: a.image_url for a in CATALOGUE}
        assert sorted(c.avatar_url for c in creators) == sorted(c.avatar_url for c in CREATORS)
        # A catalogue seeded before the pictures existed: no image, no avatar.
        for row in [*listings.values(), *creators]:
            if isinstance(row, StoreListing):
                row.image_url = ""
            else:
                row.avatar_url = ""
            s.add(row)
    async with session_scope() as s:
        report = await seed_catalogue(s)
    assert sorted(report.text_updated) == sorted(a.slug for a in CATALOGUE) and not report.created
    async with session_scope() as s:
        assert all((await s.execute(select(StoreListing.image_url))).scalars())
        assert all((await s.execute(select(Creator.avatar_url))).scalars())
        again = await seed_catalogue(s)
    assert not again.changed
