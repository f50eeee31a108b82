"""Listing images uploaded through the submission form, and the sweep that removes abandoned ones.

The form stores a picked image at once (``listing-<32 hex>.<ext>`` in the upload directory), before
anything is submitted, so an image whose form was abandoned — or replaced by another pick — is
referenced by nothing. :func:`sweep_unused_images` deletes such files once they are older than a
grace period (a form left open that long loses its picture, never a submitted listing); the
scheduler leader runs it once a day (``workers/scheduler.py``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.settings import get_settings
from autogpt_app.store.models import Creator, StoreListing, StoreListingVersion

log = logging.getLogger(__name__)

#: The names the submission form gives uploaded images (nothing else in the directory is touched).
UPLOADED_NAME = re.compile(r"listing-[0-9a-f]{32}\.(?:png|jpe?g|webp)")
#: How old an unreferenced upload must be before it is deleted.
GRACE = timedelta(days=2)


def upload_directory() -> Path:
    """Where uploaded files live: Reflex's upload directory (``DATA_DIR/uploads`` unless set)."""
    configured = os.environ.get("REFLEX_UPLOADED_FILES_DIR", "").strip()
    return Path(configured) if configured else get_settings().data_dir / "uploads"


def _old_uploads(directory: Path, cutoff: float) -> list[str]:
    """Names of uploaded images in ``directory`` last modified before ``cutoff`` (a POSIX time)."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    return [
        e.name
        for e in entries
        if UPLOADED_NAME.fullmatch(e.name) and e.is_file(follow_symlinks=False) and e.stat().st_mtime < cutoff
    ]


def _names_in(urls: list[str]) -> set[str]:
    return {m.group(0) for url in urls if url for m in UPLOADED_NAME.finditer(url)}


async def referenced_images(session: AsyncSession) -> set[str]:
    """File names of uploaded images that a listing, a submitted version or a creator still uses."""
    urls = list((await session.execute(select(StoreListing.image_url))).scalars())
    urls += list((await session.execute(select(Creator.avatar_url))).scalars())
    proposed = (await session.execute(select(StoreListingVersion.proposed))).scalars()
    urls += [str(p.get("image_url") or "") for p in proposed if isinstance(p, dict)]
    return _names_in(urls)


async def sweep_unused_images(
    session: AsyncSession, directory: Path | None = None, *, grace: timedelta = GRACE, now: datetime | None = None
) -> list[str]:
    """Delete uploaded listing images that nothing references and that are older than ``grace``.

    Returns:
        The names of the deleted files.
    """
    directory = directory or upload_directory()
    cutoff = ((now or datetime.now(UTC)) - grace).timestamp()
    old = await asyncio.to_thread(_old_uploads, directory, cutoff)
    if not old:
        return []
    unused = sorted(set(old) - await referenced_images(session))

    def delete() -> None:
        for name in unused:
            (directory / name).unlink(missing_ok=True)

    await asyncio.to_thread(delete)
    if unused:
        log.info("removed %d unused listing image(s) from %s", len(unused), directory)
    return unused
