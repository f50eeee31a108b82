"""How a run looks: status badges, times and durations, and an agent's results rendered readably.

The pure helpers turn stored values into small display models on the server (so a page's state
holds only what it shows, already cut to size); the components render those models. Results
appear as plain text, Markdown (without raw HTML), pretty JSON, bulleted lists, or links, and
only ``http``/``https`` addresses ever become clickable.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import reflex as rx
from pydantic import BaseModel

from autogpt_app.timeutil import local_time
from autogpt_app.ui.components.words import status_text

#: Characters of one value a page shows; longer values are cut with a note.
MAX_TEXT = 20_000
#: Items of one list a page shows.
MAX_LIST_ITEMS = 200
#: Values per output name a page shows.
MAX_VALUES = 50
#: Characters of one node's output preview.
MAX_PREVIEW = 600

FINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "TERMINATED"})
STATUS_COLORS = {
    "QUEUED": "gray",
    "RUNNING": "blue",
    "WAITING": "amber",
    "COMPLETED": "green",
    "FAILED": "red",
    "TERMINATED": "orange",
}

_MARKDOWN = re.compile(
    r"(^|\n)\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s|```|\|.*\|)"  # headings, lists, quotes, fences, tables
    r"|\*\*[^*\n]+\*\*|__[^_\n]+__"  # bold
    r"|\[[^\]\n]+\]\([^)\s]+\)"  # links
    r"|`[^`\n]+`"  # inline code
)


#: A web address inside running text (its end is trimmed by :func:`_trim_url`).
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
#: Characters that end a sentence or a phrase rather than an address when they close one.
_TRAILING = ".,;:!?'\"*_~…>]}"


class TextPart(BaseModel):
    """A piece of running text: plain (``href`` empty) or a safe web link."""

    text: str
    href: str = ""


class OutputListItem(BaseModel):
    """One bullet of a list result; ``href`` is set only when the whole bullet is a safe web link,
    ``parts`` when the bullet is text with links inside."""

    text: str
    href: str = ""
    parts: list[TextPart] = []


class OutputValue(BaseModel):
    """One result value, ready to render.

    ``kind`` is ``text``, ``markdown``, ``json``, ``list``, ``link`` or ``empty``.
    """

    key: str
    title: str
    show_title: bool
    kind: str
    text: str = ""
    href: str = ""
    bullets: list[OutputListItem] = []
    #: For ``text`` with web addresses inside: the text cut into plain pieces and links.
    parts: list[TextPart] = []
    note: str = ""


def safe_link(value: Any) -> str:
    """The value as a web address if it is exactly one ``http``/``https`` URL, else ``""``.

    A value ending in punctuation that closes a sentence ("https://example.com.") is not one
    address: :func:`link_parts` links it without the punctuation.
    """
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text or len(text) > 2048 or any(c.isspace() for c in text) or _trim_url(text) != text:
        return ""
    try:
        parsed = urlparse(text)
    except ValueError:
        return ""
    if parsed.scheme.lower() not in {"http", "https"} or not parsed.netloc:
        return ""
    return text


def _trim_url(url: str) -> str:
    """An address found in text without the punctuation after it (a ``)`` only when it opens none)."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


def link_parts(text: str) -> list[TextPart]:
    """``text`` cut into plain pieces and links to the ``http``/``https`` addresses in it.

    Punctuation that ends a sentence or closes a bracket stays text: "see https://example.com."
    links ``https://example.com`` and keeps the dot. Joined, the pieces are ``text`` again.
    """
    parts: list[TextPart] = []
    at = 0
    for found in _URL_IN_TEXT.finditer(text):
        url = _trim_url(found.group(0))
        if not safe_link(url):
            continue
        if found.start() > at:
            parts.append(TextPart(text=text[at : found.start()]))
        parts.append(TextPart(text=url, href=url))
        at = found.start() + len(url)
    if at < len(text):
        parts.append(TextPart(text=text[at:]))
    return parts


def _has_link(parts: list[TextPart]) -> bool:
    return any(p.href for p in parts)


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def keep_line_breaks(markdown: str) -> str:
    """Markdown whose single line breaks show as breaks (Markdown joins the lines of a paragraph).

    Lines inside code fences are left alone (they keep their breaks anyway).
    """
    lines = markdown.split("\n")
    fenced = False
    for index, line in enumerate(lines[:-1]):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and line.strip() and lines[index + 1].strip() and not line.endswith("  "):
            lines[index] = line + "  "
    return "\n".join(lines)


def looks_like_markdown(text: str) -> bool:
    """Whether a text uses Markdown syntax (headings, lists, emphasis, links, code, tables)."""
    return bool(_MARKDOWN.search(text))


def _cut(text: str, limit: int) -> tuple[str, str]:
    if len(text) <= limit:
        return text, ""
    return text[:limit], f"Showing the first {limit:,} of {len(text):,} characters."


def _pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _scalar_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def render_value(value: Any, *, key: str = "", title: str = "", show_title: bool = False) -> OutputValue:
    """Choose how to show one result value and cut it to what a page may hold.

    Args:
        value: A stored result (any JSON value).
        key: A unique key for the page's list.
        title: The output's title.
        show_title: Whether this is the first value of its output (the title is shown once).

    Returns:
        The display model.
    """
    base = {"key": key, "title": title, "show_title": show_title}
    if value is None or value == "" or value == [] or value == {}:
        return OutputValue(**base, kind="empty", text="(empty)")
    if isinstance(value, str):
        if href := safe_link(value):
            return OutputValue(**base, kind="link", text=href, href=href)
        stripped = value.strip()
        if stripped[:1] in "[{":
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict | list):
                return render_value(parsed, **base)
        text, note = _cut(value, MAX_TEXT)
        if looks_like_markdown(text):
            return OutputValue(**base, kind="markdown", text=keep_line_breaks(text), note=note)
        parts = link_parts(text)
        return OutputValue(**base, kind="text", text=text, parts=parts if _has_link(parts) else [], note=note)
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        items = [_list_item_of(v) for v in value[:MAX_LIST_ITEMS]]
        note = f"Showing {MAX_LIST_ITEMS} of {len(value):,} items." if len(value) > MAX_LIST_ITEMS else ""
        return OutputValue(**base, kind="list", bullets=items, note=note)
    if isinstance(value, dict | list):
        text, note = _cut(_pretty_json(value), MAX_TEXT)
        return OutputValue(**base, kind="json", text=text, note=note)
    return OutputValue(**base, kind="text", text=_scalar_text(value))


def _list_item_of(value: Any) -> OutputListItem:
    text = _cut(_scalar_text(value), 2000)[0]
    href = safe_link(value)
    parts = [] if href else link_parts(text)
    return OutputListItem(text=text, href=href, parts=parts if _has_link(parts) else [])


def render_outputs(outputs: dict[str, list[Any]], titles: dict[str, str] | None = None) -> list[OutputValue]:
    """Flatten a run's results (``{name: [values]}``) into display models, titles first seen once per name.

    Outputs keep the agent's order of its output schema (``titles``), then any others by name.
    """
    titles = titles or {}
    names = [n for n in titles if n in outputs] + sorted(n for n in outputs if n not in titles)
    shown: list[OutputValue] = []
    for name in names:
        values = outputs.get(name) or []
        title = titles.get(name) or name
        for index, value in enumerate(values[:MAX_VALUES]):
            shown.append(render_value(value, key=f"{name}:{index}", title=title, show_title=index == 0))
        if len(values) > MAX_VALUES:
            shown[-1].note = f"Showing {MAX_VALUES} of {len(values):,} values of “{title}”."
    return shown


def preview_pins(outputs: list[list[Any]]) -> str:
    """A short ``pin: value`` preview of one node run's outputs."""
    lines = []
    for pair in outputs[:10]:
        pin, value = (pair[0], pair[1]) if len(pair) == 2 else ("", pair)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"{pin}: {text}")
    if len(outputs) > 10:
        lines.append(f"… and {len(outputs) - 10} more")
    preview, note = _cut("\n".join(lines), MAX_PREVIEW)
    return preview + ("…" if note else "")


def format_time(moment: datetime | None, zone: str | None = None) -> str:
    """A timestamp on the viewer's clock, seconds included: ``7 Dec 2026, 14:03:27 CET`` (``—`` when missing)."""
    return local_time(moment, zone, seconds=True)


def format_duration(start: datetime | None, end: datetime | None, *, now: datetime | None = None) -> str:
    """How long something took (or has been running, when ``end`` is missing): ``850 ms``, ``12.4 s``, ``3 min 5 s``."""
    if start is None:
        return "—"
    finish = end or now or datetime.now(UTC)
    if finish.tzinfo is None:
        finish = finish.replace(tzinfo=UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    seconds = max(0.0, (finish - start).total_seconds())
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


# --- components -------------------------------------------------------------------------------


def status_badge(status: rx.Var, **props: Any) -> rx.Component:
    """A coloured badge for a run or node status, in people's words (``COMPLETED`` shows "Completed").

    The raw status stays in ``data-status`` for tests and styles.
    """
    return rx.badge(
        status_text(status),
        color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        high_contrast=True,
        data_status=status,
        **props,
    )


def _part(part: TextPart) -> rx.Component:
    return rx.cond(
        part.href != "",
        rx.link(
            part.text, href=part.href, is_external=True, rel="noopener noreferrer nofollow", word_break="break-all"
        ),
        rx.el.span(part.text),
    )


def _linked_text(parts: rx.Var, **props: Any) -> rx.Component:
    """Running text with its links (a list var of :class:`TextPart`), line breaks kept."""
    return rx.text(rx.foreach(parts, _part), white_space="pre-wrap", word_break="break-word", **props)


def _list_item(item: OutputListItem) -> rx.Component:
    return rx.el.li(
        rx.cond(
            item.href != "",
            rx.link(item.text, href=item.href, is_external=True, rel="noopener noreferrer nofollow"),
            rx.cond(
                item.parts.length() > 0,
                _linked_text(item.parts, as_="span"),
                rx.text(item.text, as_="span", white_space="pre-wrap"),
            ),
        )
    )


def _value_body(value: OutputValue) -> rx.Component:
    return rx.match(
        value.kind,
        (
            "link",
            rx.link(
                value.text,
                href=value.href,
                is_external=True,
                rel="noopener noreferrer nofollow",
                word_break="break-all",
            ),
        ),
        ("markdown", rx.box(rx.markdown(value.text, use_raw=False), width="100%", overflow_x="auto")),
        (
            "json",
            rx.code_block(
                value.text, language="json", wrap_long_lines=True, width="100%", custom_style={"margin": "0"}
            ),
        ),
        ("list", rx.el.ul(rx.foreach(value.bullets, _list_item), padding_left="1.25rem", margin="0")),
        ("empty", rx.text(value.text, color_scheme="gray", size="2")),
        rx.cond(
            value.parts.length() > 0,
            _linked_text(value.parts, size="3"),
            rx.text(value.text, white_space="pre-wrap", word_break="break-word", size="3"),
        ),
    )


def _output_value(value: OutputValue) -> rx.Component:
    return rx.vstack(
        rx.cond(value.show_title, rx.heading(value.title, size="3", margin_top="0.5rem"), rx.fragment()),
        rx.box(_value_body(value), width="100%", data_testid="output-value", data_kind=value.kind),
        rx.cond(value.note != "", rx.text(value.note, size="1", color_scheme="gray"), rx.fragment()),
        spacing="1",
        width="100%",
        align="start",
    )


def outputs_view(values: rx.Var) -> rx.Component:
    """A run's results (a list var of :class:`OutputValue`)."""
    return rx.vstack(rx.foreach(values, _output_value), spacing="2", width="100%", data_testid="run-outputs")
