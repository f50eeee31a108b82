"""The sweep of listing images that abandoned submission forms left behind."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from autogpt_app.db import session_scope
from autogpt_app.store.images import sweep_unused_images, upload_directory
from tests.store.test_service import make_graph, make_user, publish, submit

DAYS = 24 * 3600


def upload(directory: Path, name: str, *, age_days: float) -> Path:
    path = directory / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    moment = time.time() - age_days * DAYS
    os.utime(path, (moment, moment))
    return path


def image(n: int, ext: str = "png") -> str:
    return f"listing-{n:032x}.{ext}"


async def test_only_old_unreferenced_uploads_are_removed(tmp_path: Path) -> None:
    ada, admin = await make_user(), await make_user("root@example.com", "Root", admin=True)
    live = upload(tmp_path, image(1), age_days=30)  # on an approved listing
    pending = upload(tmp_path, image(2, "webp"), age_days=30)  # on a submission still in review
    abandoned = upload(tmp_path, image(3, "jpg"), age_days=3)  # picked, never submitted
    fresh = upload(tmp_path, image(4), age_days=0.5)  # a form being filled in now
    other = upload(tmp_path, "notes.txt", age_days=30)  # not ours: never touched
    await publish(ada, admin, "Pictured", image_url=f"/_upload/{live.name}")
    graph = await make_graph(ada, "Waiting")
    await submit(ada, graph.id, name="Waiting", image_url=f"/_upload/{pending.name}")

    async with session_scope() as session:
        removed = await sweep_unused_images(session, tmp_path)
    assert removed == [abandoned.name]
    assert not abandoned.exists()
    assert live.exists() and pending.exists() and fresh.exists() and other.exists()

    # Once the grace period has passed for the fresh one too, it goes; the used ones stay.
    async with session_scope() as session:
        assert await sweep_unused_images(session, tmp_path, grace=timedelta(hours=1)) == [fresh.name]
    assert live.exists() and pending.exists()


async def test_a_missing_directory_is_nothing_to_do(tmp_path: Path) -> None:
    async with session_scope() as session:
        assert await sweep_unused_images(session, tmp_path / "nowhere") == []


def test_the_upload_directory_follows_reflexs_setting(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFLEX_UPLOADED_FILES_DIR", str(tmp_path))
    assert upload_directory() == tmp_path
    monkeypatch.delenv("REFLEX_UPLOADED_FILES_DIR")
    assert upload_directory().name == "uploads"
