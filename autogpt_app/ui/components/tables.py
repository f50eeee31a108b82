"""A full-width table that scrolls sideways on narrow screens, shared by every list page."""

from __future__ import annotations

import reflex as rx

#: A column header: its label, or its label and the responsive ``display`` that hides it on small screens.
Header = str | tuple[str, list[str]]


def _header_cell(header: Header) -> rx.Component:
    if isinstance(header, str):
        return rx.table.column_header_cell(header)
    label, display = header
    return rx.table.column_header_cell(label, display=display)


def data_table(headers: tuple[Header, ...], body: rx.Component, *, size: str | None = None) -> rx.Component:
    """A full-width table with these column headers and ``body`` rows (e.g. an ``rx.foreach`` of rows)."""
    options = {"size": size} if size else {}
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[_header_cell(h) for h in headers])),
            rx.table.body(body),
            width="100%",
            **options,
        ),
        overflow_x="auto",
        width="100%",
    )
