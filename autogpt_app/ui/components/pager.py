"""Previous / Next paging for every paged list, with an optional ``x–y of N`` (or ``Page x of y``) between.

Pages pass their state's vars and events in, so one component serves states that page by
offset, by page number, or by a server-computed label alike.
"""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from autogpt_app.ui.components.words import count_text

#: What sits between the buttons: one var or string, or several pieces shown as one line.
Summary = rx.Var | str | tuple[rx.Var | str, ...]


def _button(label: str, icon: str | None, *, trailing: bool, testid: str, **props: Any) -> rx.Component:
    glyph = [rx.icon(icon, size=16)] if icon else []
    children = [label, *glyph] if trailing else [*glyph, label]
    return rx.button(*children, variant="soft", **({"data_testid": testid} if testid else {}), **props)


def pager(
    *,
    has_prev: rx.Var,
    has_next: rx.Var,
    on_prev: Any,
    on_next: Any,
    summary: Summary | None = None,
    summary_testid: str = "",
    testid_prefix: str = "",
    size: Literal["1", "2", "3", "4"] = "2",
    icons: bool = False,
    hide_when_single: bool | Literal["buttons"] = False,
    **props: Any,
) -> rx.Component:
    """Previous and Next buttons, disabled at either end, with ``summary`` between them.

    Args:
        has_prev: Whether an earlier page exists (a boolean var); Previous is disabled otherwise.
        has_next: Whether a later page exists; Next is disabled otherwise.
        on_prev: The event that loads the previous page.
        on_next: The event that loads the next page.
        summary: What the text between the buttons says, e.g. a ``range_text`` var (``11–20 of 23``)
            or several pieces (as :func:`numbered_pager` passes); nothing when ``None``.
        summary_testid: The ``data-testid`` of that text.
        testid_prefix: When set, the buttons' test ids are ``{prefix}-prev`` and ``{prefix}-next``.
        size: The buttons' Radix size.
        icons: Whether the buttons carry chevrons.
        hide_when_single: What disappears when everything fits on one page: ``True`` the whole pager,
            ``"buttons"`` only the buttons (the summary stays), ``False`` nothing.
        **props: Passed to the row (e.g. ``justify="center", width="100%"``).

    Returns:
        The pager row.
    """
    several = has_prev | has_next
    ids = {key: f"{testid_prefix}-{key}" if testid_prefix else "" for key in ("prev", "next")}
    left, right = ("chevron-left", "chevron-right") if icons else (None, None)
    prev = _button(
        "Previous", left, trailing=False, testid=ids["prev"], size=size, on_click=on_prev, disabled=~has_prev
    )
    next_ = _button("Next", right, trailing=True, testid=ids["next"], size=size, on_click=on_next, disabled=~has_next)
    if hide_when_single == "buttons":
        prev, next_ = rx.cond(several, prev), rx.cond(several, next_)
    middle = []
    if summary is not None:
        pieces = summary if isinstance(summary, tuple) else (summary,)
        text_ids = {"data_testid": summary_testid} if summary_testid else {}
        middle.append(rx.text(*pieces, size="2", color_scheme="gray", **text_ids))
    row = rx.hstack(prev, *middle, next_, **{"align": "center", "spacing": "3", "wrap": "wrap", **props})
    # Hidden, not just emptied: an empty row would still take a gap in the surrounding stack.
    return rx.cond(several, row) if hide_when_single is True else row


def state_pager(state: Any, **kwargs: Any) -> rx.Component:
    """:func:`pager` wired to a state's ``has_prev`` / ``has_next`` vars and ``prev_page`` / ``next_page`` events.

    Other keyword arguments go to :func:`pager`.
    """
    return pager(
        has_prev=state.has_prev, has_next=state.has_next, on_prev=state.prev_page, on_next=state.next_page, **kwargs
    )


def numbered_pager(
    page: rx.Var,
    pages: rx.Var,
    total: rx.Var,
    noun: str,
    *,
    on_prev: Any,
    on_next: Any,
    summary_testid: str,
    size: Literal["1", "2", "3", "4"] = "1",
    **kwargs: Any,
) -> rx.Component:
    """:func:`pager` for a state that pages by number: ``Page 2 of 3 · 41 runs`` between the buttons.

    ``noun`` is the singular ("run"): the count says "1 run" or "41 runs"; other keyword arguments
    go to :func:`pager`.
    """
    return pager(
        has_prev=page > 1,
        has_next=page < pages,
        on_prev=on_prev,
        on_next=on_next,
        summary=("Page ", page, " of ", pages, " · ", count_text(total, noun)),
        summary_testid=summary_testid,
        size=size,
        **kwargs,
    )
