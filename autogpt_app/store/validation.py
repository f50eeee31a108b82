"""Checks of what people send to the marketplace: listing text, categories, image addresses and image files."""

from __future__ import annotations

import re
from typing import Any

from autogpt_app.errors import InvalidInput
from autogpt_app.store.models import (
    MAX_CATEGORIES,
    MAX_CATEGORY,
    MAX_CHANGELOG,
    MAX_COMMENT,
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_SUBHEADING,
    MAX_URL,
)

__all__ = [
    "IMAGE_TYPES",
    "MAX_CHANGELOG",
    "MAX_COMMENT",
    "MAX_IMAGE_BYTES",
    "categories",
    "image_file",
    "image_url",
    "listing_text",
    "long_text",
    "short_text",
]

#: Largest listing image accepted as an upload.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: File extension → media type of the image formats a listing may upload.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CATEGORY_RE = re.compile(r"^[a-z0-9][a-z0-9 &+/-]*$")


def short_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """One line of text, whitespace collapsed; at most ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"The {field} must be text.", code=f"invalid_{field}")
    text = " ".join(_CONTROL_RE.sub(" ", value).split())
    if required and not text:
        raise InvalidInput(f"Give the listing a {field}.", code=f"invalid_{field}")
    if len(text) > limit:
        raise InvalidInput(f"The {field} may be at most {limit} characters.", code=f"invalid_{field}")
    return text


def long_text(value: Any, field: str, limit: int) -> str:
    """Text that may span lines (control characters dropped); at most ``limit`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"The {field} must be text.", code=f"invalid_{field}")
    text = _CONTROL_RE.sub("", value.replace("\r\n", "\n")).strip()
    if len(text) > limit:
        raise InvalidInput(f"The {field} may be at most {limit} characters.", code=f"invalid_{field}")
    return text


def categories(values: Any) -> list[str]:
    """Lower-case, de-duplicated category names: at most five, each 1–40 letters, digits, ' &+/-'."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidInput("Categories must be a list of names.", code="invalid_categories")
    result: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise InvalidInput("Categories must be a list of names.", code="invalid_categories")
        name = " ".join(value.lower().split())
        if not name:
            continue
        if len(name) > MAX_CATEGORY or not _CATEGORY_RE.match(name):
            raise InvalidInput(
                f"A category is 1 to {MAX_CATEGORY} letters, digits, spaces or '&+/-' (got {value[:50]!r}).",
                code="invalid_categories",
            )
        if name not in result:
            result.append(name)
    if len(result) > MAX_CATEGORIES:
        raise InvalidInput(f"Choose at most {MAX_CATEGORIES} categories.", code="invalid_categories")
    return result


def image_url(value: Any) -> str:
    """Empty, an http(s) address, or a path of this site; never another scheme."""
    url = short_text(value, "image_url", MAX_URL)
    if not url:
        return ""
    lowered = url.lower()
    is_path = url.startswith("/") and not url.startswith(("//", "/\\"))
    is_web = lowered.startswith(("http://", "https://")) and len(url) > len("https://")
    # A site path may not climb out of where it points ("/_upload/../secret").
    climbs = is_path and ".." in url.split("?", 1)[0].split("#", 1)[0].split("/")
    if not (is_path or is_web) or climbs or " " in url or "\\" in url:
        raise InvalidInput(
            "The image must be an http(s) address or a path of this site starting with '/'.", code="invalid_image_url"
        )
    return url


def listing_text(name: Any, subheading: Any, description: Any, category_list: Any, image: Any) -> dict[str, Any]:
    """The cleaned listing fields, ready to store on a listing or a submitted version."""
    return {
        "name": short_text(name, "name", MAX_NAME, required=True),
        "subheading": short_text(subheading, "subheading", MAX_SUBHEADING),
        "description": long_text(description, "description", MAX_DESCRIPTION),
        "categories": categories(category_list),
        "image_url": image_url(image),
    }


def image_file(data: bytes) -> str:
    """Check an uploaded listing image by its content and return its extension (``.png``, ``.jpg``, ``.webp``).

    The file's name and declared type are not trusted: only the bytes decide (PNG signature and
    header chunk, JPEG start-of-image marker, WebP RIFF container with a VP8 chunk).

    Raises:
        InvalidInput: empty, over 2 MB, or not a PNG, JPEG or WebP image.
    """
    if not data:
        raise InvalidInput("The image file is empty.", code="invalid_image")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(f"The image may be at most {MAX_IMAGE_BYTES // (1024 * 1024)} MB.", code="image_too_large")
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:15] == b"VP8":
        return ".webp"
    raise InvalidInput("The image must be a PNG, JPEG or WebP file.", code="invalid_image")
