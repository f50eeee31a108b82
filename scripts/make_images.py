"""Write the pictures under ``assets/``: logo, favicon, and an illustration per seed agent, creator and category.

Run it after adding a seed agent, creator or category (``.venv/bin/python scripts/make_images.py``)
and check the files in; ``tests/store/test_pictures.py`` fails while a picture is missing or stale.
Everything is drawn by code (``autogpt_app/store/illustrations.py``): nothing is downloaded.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autogpt_app.store import illustrations, pictures
from autogpt_app.store.categories import CATEGORIES
from autogpt_app.store.seed import CATALOGUE, CREATORS

APP_NAME = "AutoGPT Platform"


def expected_files() -> dict[Path, bytes]:
    """Every SVG file under ``assets/`` and its content, as the current code draws it."""
    files: dict[str, str] = {"/logo.svg": illustrations.logo(APP_NAME)}
    for category in (*CATEGORIES, pictures.GENERAL):
        files[pictures.category_image([category])] = illustrations.category_banner(category)
    for agent in CATALOGUE:
        files[agent.image_url] = illustrations.banner(agent.slug, agent.categories, agent.name)
    for creator in CREATORS:
        files[creator.avatar_url] = illustrations.avatar(creator.username, creator.name)
    return {pictures.asset_file(path): text.encode() for path, text in files.items()}


# --- the favicon: the logo drawn into pixels (no imaging library needed) -----------------------


def _inside_rounded(x: float, y: float, left: float, top: float, width: float, height: float, r: float) -> bool:
    cx = min(max(x, left + r), left + width - r)
    cy = min(max(y, top + r), top + height - r)
    return left <= x <= left + width and top <= y <= top + height and (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _logo_colour(x: float, y: float) -> tuple[int, int, int, int]:
    """The logo's colour at (x, y) in its 64 × 64 box (mirrors ``illustrations.LOGO_BODY``)."""
    violet = (0x6D, 0x28, 0xD9, 255)
    white = (255, 255, 255, 255)
    if (x - 25) ** 2 + (y - 35) ** 2 <= 16 or (x - 39) ** 2 + (y - 35) ** 2 <= 16:
        return violet
    if _inside_rounded(x, y, 26, 42, 12, 3, 1.5):
        return violet
    if _inside_rounded(x, y, 14, 22, 36, 28, 8) or _inside_rounded(x, y, 30, 12, 4, 10, 2):
        return white
    if (x - 32) ** 2 + (y - 11) ** 2 <= 16:
        return white
    if _inside_rounded(x, y, 0, 0, 64, 64, 14):
        t = (x + y) / 128
        start, end = (0x7C, 0x3A, 0xED), (0x4F, 0x46, 0xE5)
        return (*(round(a + (b - a) * t) for a, b in zip(start, end, strict=True)), 255)
    return (0, 0, 0, 0)


def _pixels(size: int, samples: int = 4) -> list[bytes]:
    rows = []
    scale = 64 / size
    for py in range(size):
        row = bytearray()
        for px in range(size):
            total = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    r, g, b, a = _logo_colour((px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale)
                    total = [total[0] + r * a, total[1] + g * a, total[2] + b * a, total[3] + a]
            alpha = total[3] / samples**2
            colour = [round(c / total[3]) if total[3] else 0 for c in total[:3]]
            row += bytes([*colour, round(alpha)])
        rows.append(bytes(row))
    return rows


def png(size: int) -> bytes:
    """The logo as a ``size`` × ``size`` RGBA PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in _pixels(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(sizes: tuple[int, ...] = (16, 32, 48)) -> bytes:
    """A Windows icon file holding the logo as one PNG per size."""
    images = [png(s) for s in sizes]
    offset = 6 + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + entries + b"".join(images)


def main() -> None:
    """Write every picture (only files whose content changed are touched)."""
    files = expected_files()
    files[pictures.ASSETS_DIR / "favicon.ico"] = ico()
    files[pictures.ASSETS_DIR / "apple-touch-icon.png"] = png(180)
    changed = 0
    for path, content in files.items():
        if path.exists() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        changed += 1
    print(f"{len(files)} pictures under {pictures.ASSETS_DIR} ({changed} written)")


if __name__ == "__main__":
    main()
