"""Deterministic SVG illustrations: one per catalogue agent, creator and category, plus the logo.

Every picture is drawn from simple shapes only (no text, so no font can be missing; no external
references), in one style: a diagonal gradient in the colours of the agent's first category, soft
translucent shapes placed by a random generator seeded with the agent's slug (so each agent looks
different, and the same on every run), and the category's white line glyph on a frosted tile.
Creators get a symmetric pattern of tiles in colours picked from their username.

``scripts/make_images.py`` writes the results under ``assets/``; a test re-draws them and compares,
so the checked-in files always match this code.
"""

from __future__ import annotations

import colorsys
import hashlib
import html
import random
from collections.abc import Sequence

from autogpt_app.store.pictures import GENERAL

WIDTH, HEIGHT = 480, 256

#: Gradient (start, end) per category; the general one is the logo's violet.
PALETTES: dict[str, tuple[str, str]] = {
    "productivity": ("#7c3aed", "#4f46e5"),
    "writing": ("#db2777", "#f97316"),
    "research": ("#0891b2", "#2563eb"),
    "data": ("#059669", "#0d9488"),
    "finance": ("#15803d", "#ca8a04"),
    "developer": ("#334155", "#0f766e"),
    "marketing": ("#ea580c", "#e11d48"),
    "monitoring": ("#dc2626", "#9333ea"),
    "utilities": ("#475569", "#6366f1"),
    "ai": ("#9333ea", "#2563eb"),
    GENERAL: ("#6d28d9", "#a21caf"),
}

_STROKE = 'fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"'

#: Each category's glyph: white line drawings in a 100 × 100 box.
GLYPHS: dict[str, str] = {
    "productivity": (
        f'<path {_STROKE} d="M14 24l7 7 12-14M14 52l7 7 12-14M14 80l7 7 12-14M46 26h40M46 54h40M46 82h28"/>'
    ),
    "writing": (
        f'<path {_STROKE} d="M20 10h44l16 16v64H20z"/>'
        f'<path {_STROKE} d="M32 40h34M32 56h34M32 72h20"/>'
        f'<path {_STROKE} d="M64 10v16h16"/>'
    ),
    "research": f'<circle {_STROKE} cx="42" cy="42" r="26"/><path {_STROKE} d="M61 61l27 27"/>',
    "data": (
        f'<ellipse {_STROKE} cx="50" cy="20" rx="32" ry="11"/>'
        f'<path {_STROKE} d="M18 20v60c0 6 14 11 32 11s32-5 32-11V20M18 50c0 6 14 11 32 11s32-5 32-11"/>'
    ),
    "finance": f'<path {_STROKE} d="M12 88h76M22 76V56M42 76V44M62 76V50M82 76V26M16 40l22-16 18 10 30-22"/>',
    "developer": f'<path {_STROKE} d="M32 26L10 50l22 24M68 26l22 24-22 24M58 16L42 84"/>',
    "marketing": (f'<path {_STROKE} d="M14 40h14l44-22v64L28 60H14zM28 60l8 26h12l-6-26M82 38c6 4 6 20 0 24"/>'),
    "monitoring": (
        f'<rect {_STROKE} x="8" y="16" width="84" height="60" rx="8"/>'
        f'<path {_STROKE} d="M16 48h16l8-16 12 30 8-14h24M36 90h28"/>'
    ),
    "utilities": (
        f'<circle {_STROKE} cx="50" cy="50" r="18"/>'
        f'<path {_STROKE} d="M50 10v14M50 76v14M10 50h14M76 50h14M22 22l10 10M68 68l10 10M78 22L68 32M32 68L22 78"/>'
    ),
    "ai": (
        f'<path {_STROKE} d="M42 12c3 20 10 27 30 30-20 3-27 10-30 30-3-20-10-27-30-30 20-3 27-10 30-30z"/>'
        f'<path {_STROKE} d="M76 60c1 10 5 14 14 15-9 1-13 5-14 15-1-10-5-14-14-15 9-1 13-5 14-15z"/>'
    ),
    GENERAL: (
        f'<rect {_STROKE} x="16" y="28" width="68" height="54" rx="14"/>'
        f'<path {_STROKE} d="M50 28V14M38 60h0M62 60h0"/><circle fill="#fff" cx="50" cy="11" r="5"/>'
    ),
}


def _rng(key: str) -> random.Random:
    # Reproducible layout, not secrecy: the same key must always draw the same picture.
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))  # noqa: S311


def _category(categories: Sequence[str]) -> str:
    return next((c for c in categories if c in PALETTES), GENERAL)


def _decorations(rng: random.Random, accent: str, count: int) -> list[str]:
    """Soft translucent circles and rounded squares scattered over the background."""
    shapes = []
    for _ in range(count):
        x, y = rng.randint(-40, WIDTH + 20), rng.randint(-40, HEIGHT + 20)
        size = rng.randint(40, 150)
        opacity = rng.choice((0.10, 0.14, 0.18, 0.22))
        fill = rng.choice(("#fff", accent))
        if rng.random() < 0.5:
            shapes.append(f'<circle cx="{x}" cy="{y}" r="{size // 2}" fill="{fill}" fill-opacity="{opacity}"/>')
        else:
            angle = rng.randint(0, 89)
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="{size // 5}" fill="{fill}" '
                f'fill-opacity="{opacity}" transform="rotate({angle} {x + size // 2} {y + size // 2})"/>'
            )
    return shapes


def _dots(rng: random.Random) -> str:
    """A small grid of dots in one corner (which corner depends on the seed)."""
    left = rng.choice((24, WIDTH - 24 - 5 * 14))
    top = rng.choice((22, HEIGHT - 22 - 3 * 14))
    dots = [f'<circle cx="{left + col * 14}" cy="{top + row * 14}" r="2.5"/>' for row in range(4) for col in range(6)]
    return f'<g fill="#fff" fill-opacity="0.35">{"".join(dots)}</g>'


def _svg(width: int, height: int, label: str, body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(label, quote=True)}">' + "".join(body) + "</svg>\n"
    )


def _gradient(gid: str, start: str, end: str, angle: int) -> str:
    return (
        f'<defs><linearGradient id="{gid}" gradientTransform="rotate({angle} 0.5 0.5)">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/></linearGradient></defs>'
    )


def banner(key: str, categories: Sequence[str], label: str) -> str:
    """A 480 × 256 illustration for a listing: its first category's colours and glyph, shapes seeded by ``key``."""
    rng = _rng(key)
    main = _category(categories)
    start, end = PALETTES[main]
    accent = PALETTES[_category([c for c in categories if c != main])][1] if len(categories) > 1 else end
    tile, glyph_scale = 132, 0.84
    tx = rng.choice((WIDTH // 2 - tile // 2, 72, WIDTH - 72 - tile))
    ty = HEIGHT // 2 - tile // 2
    offset = (tile - 100 * glyph_scale) / 2
    body = [
        _gradient("g", start, end, rng.randint(10, 80)),
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>',
        *_decorations(rng, accent, rng.randint(4, 7)),
        _dots(rng),
        f'<rect x="{tx}" y="{ty}" width="{tile}" height="{tile}" rx="30" fill="#fff" fill-opacity="0.18" '
        'stroke="#fff" stroke-opacity="0.45" stroke-width="2"/>',
        f'<g transform="translate({tx + offset:.1f} {ty + offset:.1f}) scale({glyph_scale})">{GLYPHS[main]}</g>',
    ]
    return _svg(WIDTH, HEIGHT, label, body)


def category_banner(category: str) -> str:
    """The illustration listings of ``category`` show when they have no image of their own."""
    return banner(f"category:{category}", [category], category)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def avatar(username: str, label: str) -> str:
    """A 256 × 256 avatar: a mirrored 5 × 5 pattern of tiles in colours picked from ``username``."""
    rng = _rng(f"creator:{username}")
    hue = rng.random()
    start = _hex(colorsys.hls_to_rgb(hue, 0.42, 0.62))
    end = _hex(colorsys.hls_to_rgb((hue + 0.12) % 1, 0.36, 0.7))
    cells = []
    for row in range(5):
        for col in range(3):
            if rng.random() < 0.55:
                for x in {col, 4 - col}:
                    opacity = 0.9 if (row + col) % 2 == 0 else 0.6
                    cells.append(
                        f'<rect x="{38 + x * 37}" y="{38 + row * 37}" width="31" height="31" rx="8" fill="#fff" '
                        f'fill-opacity="{opacity}"/>'
                    )
    body = [_gradient("g", start, end, 45), '<rect width="256" height="256" fill="url(#g)"/>', *cells]
    return _svg(256, 256, label, body)


#: The logo's shapes in a 64 × 64 box: a violet tile with a friendly robot head (also the favicon).
LOGO_BODY = (
    _gradient("g", "#7c3aed", "#4f46e5", 45),
    '<rect width="64" height="64" rx="14" fill="url(#g)"/>',
    '<rect x="14" y="22" width="36" height="28" rx="8" fill="#fff"/>',
    '<rect x="30" y="12" width="4" height="10" rx="2" fill="#fff"/>',
    '<circle cx="32" cy="11" r="4" fill="#fff"/>',
    '<circle cx="25" cy="35" r="4" fill="#6d28d9"/>',
    '<circle cx="39" cy="35" r="4" fill="#6d28d9"/>',
    '<rect x="26" y="42" width="12" height="3" rx="1.5" fill="#6d28d9"/>',
)


def logo(label: str) -> str:
    """The platform's logo as an SVG."""
    return _svg(64, 64, label, LOGO_BODY)
