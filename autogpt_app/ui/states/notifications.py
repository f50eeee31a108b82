"""States of the notification bell (in the shell) and the notification centre page.

The bell's count changes without a reload: every protected page load starts one background task
(:meth:`NotificationBellState.watch`) that follows the user's bus channel with
:func:`autogpt_app.ui.live.follow_into_state`: after each burst of events (coalesced) it re-reads
the unread count from the database, the source of truth. Without events it re-reads every
:data:`FALLBACK_READ_INTERVAL` (an event lost in a Redis gap, or a read in another tab, costs at
most that long). The task ends after :data:`WATCH_MAX_SECONDS`, when the session ends, when a
newer page load takes over, or when the page is left.

Neither state ever holds more than one page of rows: the bell keeps the :data:`BELL_ITEMS` newest,
the centre one page of :data:`PAGE_SIZE`. What a row shows is computed in
:mod:`autogpt_app.ui.components.notification_rows`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.bus import user_channel
from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.notifications import service
from autogpt_app.notifications.models import NotificationPublic
from autogpt_app.ui import routes
from autogpt_app.ui.components.notification_rows import (
    ALL_TYPES,
    CHANNELS,
    NotificationRow,
    PreferenceRow,
    TypeOption,
    count_label,
    go_to,
    range_label,
    to_row,
    type_labels,
)
from autogpt_app.ui.live import follow_into_state, new_follow_id
from autogpt_app.ui.states.auth import FAILED, AuthState

#: How many notifications the bell's dropdown shows.
BELL_ITEMS = 8
#: Rows per page of the notification centre.
PAGE_SIZE = 20
#: The longest one page load listens for notifications (a reload starts listening again).
WATCH_MAX_SECONDS = 4 * 3600.0
#: Re-read the count this often when no event arrives (events are best effort).
FALLBACK_READ_INTERVAL = 60.0
#: Wait this long after an event before reading, so a burst costs one read.
COALESCE_SECONDS = 0.3


# --- reading for the bell ----------------------------------------------------------------------


@dataclass
class BellView:
    """What the bell shows: the unread count and, when asked for, the newest notifications."""

    unread: int
    items: list[NotificationRow] | None = None


async def read_bell_for(session: AsyncSession, user: User, *, with_items: bool, zone: str = "UTC") -> BellView:
    """Read the bell of ``user``: the unread count, plus the newest :data:`BELL_ITEMS` if ``with_items``.

    Times are said relative to now, with the exact time on the clock of ``zone`` (the viewer's).
    """
    unread = await service.unread_count(session, user)
    if not with_items:
        return BellView(unread=unread)
    labels = type_labels()
    items = await service.list_notifications(session, user, limit=BELL_ITEMS)
    return BellView(unread=unread, items=[to_row(n, labels, zone=zone) for n in items])


async def read_bell(token: str, *, with_items: bool, zone: str = "UTC") -> BellView | None:
    """Read the bell for the token's user (re-verified on every read); ``None`` once the session is gone."""
    try:
        async with session_scope() as session:
            user = await auth_service.user_from_token(session, token)
            return await read_bell_for(session, user, with_items=with_items, zone=zone)
    except ServiceError:
        return None


# --- shared actions -----------------------------------------------------------------------------


async def _mark_read(session: AsyncSession, user: User, notification_id: str) -> tuple[NotificationPublic, int]:
    item = await service.mark_read(session, user, notification_id)
    return item, await service.unread_count(session, user)


async def _delete(session: AsyncSession, user: User, notification_id: str) -> int:
    await service.delete_notification(session, user, notification_id)
    return await service.unread_count(session, user)


async def _mark_all_read(session: AsyncSession, user: User) -> int:
    await service.mark_all_read(session, user)
    return await service.unread_count(session, user)


# --- the bell -----------------------------------------------------------------------------------


class NotificationBellState(AuthState):
    """The bell in the top bar: the unread count (live) and, while open, the newest notifications."""

    unread: int = 0
    items: list[NotificationRow] = []
    menu_open: bool = False
    items_loaded: bool = False
    bell_error: str = ""
    #: Whether this page load's task is listening now (the count changes without a reload).
    live: bool = False

    _watch_id: str = ""

    @rx.var
    def unread_label(self) -> str:
        """The badge text."""
        return count_label(self.unread)

    def _show(self, view: BellView) -> None:
        if self.unread != view.unread:
            self.unread = view.unread
        if view.items is not None:
            if self.items != view.items:
                self.items = view.items
            self.items_loaded = True

    @rx.event
    async def start(self):
        """Page load: start listening for this user's notifications (one task per page load)."""
        self.live = False
        self.menu_open = False  # a new page has its own, closed dropdown
        if not self.user_id:
            self._watch_id = ""
            return None
        self._watch_id = new_follow_id()
        return NotificationBellState.watch

    @rx.event(background=True)
    async def watch(self):
        """Keep the count live: re-read it on bus events (coalesced) and now and then without one."""
        async with self:
            watch_id, token, user_id, zone = self._watch_id, self.token, self.user_id, self._zone()
        if not (watch_id and token and user_id):
            return

        async def show(view: BellView) -> bool:
            grew = view.unread > self.unread
            self._show(view)
            if grew and self.router.url.path == routes.NOTIFICATIONS:
                centre = await self.get_state(NotificationCentreState)
                centre.has_new = True
            return True

        await follow_into_state(
            self,
            id_field="_watch_id",
            follow_id=watch_id,
            channel=user_channel(user_id),
            wanted=lambda: self.menu_open,
            read=lambda with_items: read_bell(token, with_items=with_items, zone=zone),
            show=show,
            max_seconds=WATCH_MAX_SECONDS,
            fallback_interval=FALLBACK_READ_INTERVAL,
            coalesce=COALESCE_SECONDS,
        )

    async def _reload(self) -> Any:
        """Re-read the count and the newest notifications."""

        async def read(session: AsyncSession, user: User) -> None:
            self._show(await read_bell_for(session, user, with_items=True, zone=self._zone()))

        self.bell_error = ""
        if await self._attempt(read, error_field="bell_error") is FAILED:
            return self._after_failure()
        return None

    async def _centre_changed(self) -> None:
        """Re-read the centre's page when the bell changed something it shows."""
        if self.router.url.path == routes.NOTIFICATIONS:
            centre = await self.get_state(NotificationCentreState)
            await centre._reload()

    @rx.event
    async def set_menu_open(self, is_open: bool):
        """Open (and fill) or close the dropdown."""
        self.menu_open = bool(is_open)
        if self.menu_open:
            return await self._reload()
        return None

    @rx.event
    async def open_item(self, notification_id: str):
        """Mark a notification read and go to its link."""
        self.bell_error = ""
        done = await self._attempt(lambda s, u: _mark_read(s, u, notification_id), error_field="bell_error")
        if done is FAILED:
            return self._after_failure() or rx.toast.error(self.bell_error)
        item, self.unread = done
        self.items = [r.model_copy(update={"unread": False}) if r.id == item.id else r for r in self.items]
        target = go_to(item.link)
        if target is not None:
            return target
        await self._centre_changed()
        return None

    @rx.event
    async def mark_read(self, notification_id: str):
        """Mark one notification read."""
        done = await self._attempt(lambda s, u: _mark_read(s, u, notification_id), error_field="bell_error")
        if done is FAILED:
            return self._after_failure()
        await self._centre_changed()
        return await self._reload()

    @rx.event
    async def delete(self, notification_id: str):
        """Delete one notification."""
        if await self._attempt(lambda s, u: _delete(s, u, notification_id), error_field="bell_error") is FAILED:
            return self._after_failure()
        await self._centre_changed()
        return await self._reload()

    @rx.event
    async def mark_all_read(self):
        """Mark every notification read."""
        if await self._attempt(_mark_all_read, error_field="bell_error") is FAILED:
            return self._after_failure()
        await self._centre_changed()
        return await self._reload()


# --- the notification centre --------------------------------------------------------------------


class NotificationCentreState(AuthState):
    """The notification centre: one filtered page of notifications, and the per-type preferences."""

    tab: str = "inbox"
    rows: list[NotificationRow] = []
    type_filter: str = ALL_TYPES
    unread_only: bool = False
    page: int = 1
    total: int = 0
    range_text: str = ""
    has_prev: bool = False
    has_next: bool = False
    loaded: bool = False
    #: A notification arrived while the page was open (the bell saw it).
    has_new: bool = False
    centre_error: str = ""
    type_options: list[TypeOption] = []
    preferences: list[PreferenceRow] = []
    digest: bool = False
    prefs_error: str = ""
    prefs_loaded: bool = False

    async def _load_page(self, session: AsyncSession, user: User) -> None:
        kind = None if self.type_filter == ALL_TYPES else self.type_filter

        async def read(page: int):
            return await service.list_page(
                session, user, type=kind, unread_only=self.unread_only, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
            )

        found = await read(self.page)
        if not found.items and found.total and self.page > 1:
            # The page ran past the end (rows were deleted or read): show the last one.
            self.page = max(1, -(-found.total // PAGE_SIZE))
            found = await read(self.page)
        labels = type_labels()
        self.rows = [to_row(n, labels, zone=self._zone()) for n in found.items]
        self.total = found.total
        offset = (self.page - 1) * PAGE_SIZE
        self.range_text = range_label(offset, len(found.items), found.total)
        self.has_prev = self.page > 1
        self.has_next = offset + len(found.items) < found.total
        self.loaded = True
        self.has_new = False
        bell = await self.get_state(NotificationBellState)
        bell.unread = await service.unread_count(session, user)
        bell.items_loaded = False

    async def _reload(self) -> Any:
        self.centre_error = ""
        if await self._attempt(self._load_page, error_field="centre_error") is FAILED:
            return self._after_failure()
        return None

    async def _load_preferences(self, session: AsyncSession, user: User) -> None:
        from autogpt_app.notifications import preferences

        self.preferences = [
            PreferenceRow(type=p.type, label=p.label, channel=p.channel)
            for p in await preferences.get_preferences(session, user)
        ]
        self.digest = bool(await preferences.get_digest(session, user))
        self.prefs_loaded = True

    @rx.event
    async def load(self):
        """Fill the page: ``?type=``, ``?unread=1``, ``?page=`` and ``?tab=preferences`` come from the URL."""
        query = self.router.url.query_parameters
        labels = type_labels()
        self.type_options = [TypeOption(value=ALL_TYPES, label="All types")] + [
            TypeOption(value=k, label=v) for k, v in labels.items()
        ]
        kind = str(query.get("type", ALL_TYPES))
        self.type_filter = kind if kind in labels else ALL_TYPES
        self.unread_only = str(query.get("unread", "")).lower() in ("1", "true", "yes")
        raw = str(query.get("page", "1"))
        self.page = int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else 1
        self.tab = "preferences" if query.get("tab") == "preferences" else "inbox"
        self.loaded = self.prefs_loaded = False
        self.prefs_error = ""

        async def load(session: AsyncSession, user: User) -> None:
            await self._load_page(session, user)
            await self._load_preferences(session, user)

        self.centre_error = ""
        if await self._attempt(load, error_field="centre_error") is FAILED:
            return self._after_failure()
        return None

    @rx.event
    def set_tab(self, value: str):
        """Show the inbox or the preferences."""
        self.tab = "preferences" if value == "preferences" else "inbox"

    @rx.event
    async def set_type_filter(self, value: str):
        """Show one type only (or all); back to page 1."""
        self.type_filter = value if value in type_labels() else ALL_TYPES
        self.page = 1
        return await self._reload()

    @rx.event
    async def set_unread_only(self, value: bool):
        """Show unread notifications only (or all); back to page 1."""
        self.unread_only = bool(value)
        self.page = 1
        return await self._reload()

    @rx.event
    async def next_page(self):
        """The next page."""
        if self.has_next:
            self.page += 1
        return await self._reload()

    @rx.event
    async def prev_page(self):
        """The previous page."""
        self.page = max(1, self.page - 1)
        return await self._reload()

    @rx.event
    async def show_new(self):
        """Show the newest notifications (page 1)."""
        self.page = 1
        return await self._reload()

    async def _act(self, action: Callable[[AsyncSession, User], Awaitable[Any]], toast: str = "") -> Any:
        async def act(session: AsyncSession, user: User) -> Any:
            result = await action(session, user)
            await self._load_page(session, user)
            return result

        self.centre_error = ""
        result = await self._attempt(act, error_field="centre_error")
        if result is FAILED:
            return self._after_failure()
        return rx.toast.success(toast) if toast else None

    @rx.event
    async def mark_read(self, notification_id: str):
        """Mark one notification read."""
        return await self._act(lambda s, u: service.mark_read(s, u, notification_id))

    @rx.event
    async def delete(self, notification_id: str):
        """Delete one notification."""
        return await self._act(lambda s, u: service.delete_notification(s, u, notification_id), "Deleted.")

    @rx.event
    async def mark_all_read(self):
        """Mark every notification read."""
        return await self._act(lambda s, u: service.mark_all_read(s, u), "All notifications marked read.")

    @rx.event
    async def open_item(self, notification_id: str):
        """Mark a notification read and go to its link."""
        self.centre_error = ""
        done = await self._attempt(lambda s, u: _mark_read(s, u, notification_id), error_field="centre_error")
        if done is FAILED:
            return self._after_failure()
        item, unread = done
        bell = await self.get_state(NotificationBellState)
        bell.unread, bell.items_loaded = unread, False
        target = go_to(item.link)
        return target if target is not None else await self._reload()

    @rx.event
    async def set_preference(self, kind: str, channel: str):
        """Choose how one type reaches the user; saved at once."""
        from autogpt_app.notifications import preferences

        if channel not in CHANNELS:
            return None
        self.prefs_error = ""
        saved = await self._attempt(
            lambda s, u: preferences.set_preference(s, u, kind, channel), error_field="prefs_error"
        )
        if saved is FAILED:
            return self._after_failure() or rx.toast.error(self.prefs_error or "Could not save.")
        self.preferences = [
            PreferenceRow(type=saved.type, label=saved.label, channel=saved.channel) if p.type == saved.type else p
            for p in self.preferences
        ]
        return rx.toast.success(f"{saved.label}: {CHANNELS.get(saved.channel, saved.channel)}.")

    @rx.event
    async def set_digest(self, enabled: bool):
        """Switch the daily digest of finished runs on or off; saved at once."""
        from autogpt_app.notifications import preferences

        self.prefs_error = ""
        saved = await self._attempt(lambda s, u: preferences.set_digest(s, u, bool(enabled)), error_field="prefs_error")
        if saved is FAILED:
            return self._after_failure() or rx.toast.error(self.prefs_error or "Could not save.")
        self.digest = bool(saved)
        return rx.toast.success("Daily digest on." if self.digest else "Daily digest off: one e-mail per run.")
