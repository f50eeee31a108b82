"""What produces notifications in other domains: the end of a run, and a new marketplace version.

Each trigger takes the caller's session and writes in its transaction, so the notification exists
exactly when the change that caused it does:

* :func:`notify_run_end` is called by the runner in the transaction that records a run's final
  status (the one statement that moves it out of QUEUED/RUNNING, which succeeds once per run even
  when a crashed worker's run is resumed elsewhere);
* :func:`notify_new_version` is called by the store's review when a version is approved.

A completed run of a user who keeps the default (in-app) delivery is the common case of a busy
worker: :data:`RUN_COMPLETED_FAST` records its notification with one ``INSERT … SELECT`` on the
run's own connection (agent name, preference check and insert in one round trip);
:func:`run_completed_params` fills it. Every other case goes through :func:`notify_run_end`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import new_id
from autogpt_app.graphs.models import GraphVersion
from autogpt_app.library.models import LibraryAgent
from autogpt_app.notifications import preferences
from autogpt_app.notifications.models import MAX_TITLE, Notification, NotificationPreference, NotificationPublic
from autogpt_app.notifications.service import create_for_users, create_notification

log = logging.getLogger(__name__)

RUN_COMPLETED, RUN_FAILED, SCHEDULED_RUN_FAILED, NEW_VERSION = (
    "run_completed",
    "run_failed",
    "scheduled_run_failed",
    "new_version",
)
RUN_LINK = "/runs/{execution_id}"
LISTING_LINK = "/marketplace/agent/{slug}"
#: Most characters of a run's error copied into its notification.
MAX_ERROR = 1000


async def _agent_name(session: AsyncSession, user_id: str, graph_id: str, graph_version: int) -> str:
    """The agent's name as the user's library shows it, else the graph version's name."""
    row = (
        await session.execute(
            select(LibraryAgent.name, GraphVersion.name)
            .select_from(GraphVersion)
            .outerjoin(LibraryAgent, and_(LibraryAgent.graph_id == graph_id, LibraryAgent.user_id == user_id))
            .where(GraphVersion.graph_id == graph_id, GraphVersion.version == graph_version)
        )
    ).first()
    return (row and (row[0] or row[1])) or "Agent"


def _run_completed_fast(ended: Any = None):
    """The notification INSERT … SELECT; with ``ended`` (see :func:`run_completed_after`) the run's
    owner and agent come from that CTE's row and the parameters' names start with ``note_``."""
    notes, prefs = Notification.__table__, NotificationPreference.__table__
    library, versions = LibraryAgent.__table__, GraphVersion.__table__
    prefix = "" if ended is None else "note_"
    if ended is None:
        user_id, graph_id = bindparam("user_id", type_=String), bindparam("graph_id", type_=String)
        graph_version = bindparam("graph_version")
    else:
        user_id, graph_id, graph_version = ended.c.user_id, ended.c.graph_id, ended.c.graph_version
    # As _agent_name: the name in the user's library, else the graph version's, else "Agent".
    library_name = (
        select(func.nullif(library.c.name, ""))
        .where(library.c.graph_id == graph_id, library.c.user_id == user_id)
        .limit(1)
        .scalar_subquery()
    )
    version_name = (
        select(func.nullif(versions.c.name, ""))
        .where(versions.c.graph_id == graph_id, versions.c.version == graph_version)
        .scalar_subquery()
    )
    name = func.coalesce(library_name, version_name, literal("Agent"))
    chosen_elsewhere = exists().where(
        prefs.c.user_id == user_id,
        prefs.c.type == RUN_COMPLETED,
        prefs.c.channel.in_([preferences.EMAIL, preferences.OFF]),
    )
    row = select(
        bindparam(f"{prefix}id", type_=String),
        user_id,
        literal(RUN_COMPLETED),
        func.substr(literal("“") + name + literal("” finished"), 1, MAX_TITLE),
        literal("The run completed."),
        bindparam(f"{prefix}link", type_=String),
        bindparam(f"{prefix}data", type_=notes.c.data.type),
        bindparam(f"{prefix}created_at", type_=notes.c.created_at.type),
    ).where(~chosen_elsewhere)
    if ended is not None:
        row = row.select_from(ended).where(ended.c.parent_execution_id.is_(None))
    columns = ["id", "user_id", "type", "title", "body", "link", "data", "created_at"]
    return notes.insert().from_select(columns, row).returning(*notes.c)


#: Records the ``run_completed`` notification of a top-level run whose owner keeps in-app delivery
#: (no row comes back otherwise: then :func:`notify_run_end` decides). Parameters: see
#: :func:`run_completed_params`.
RUN_COMPLETED_FAST = _run_completed_fast()


def run_completed_after(ended: Any) -> Any:
    """:data:`RUN_COMPLETED_FAST` as a CTE over ``ended`` (the CTE of the UPDATE that ended the run,
    returning its ``user_id``, ``graph_id``, ``graph_version`` and ``parent_execution_id``): it writes
    only for a top-level run that this statement ended, so on PostgreSQL the runner ends a run and
    records its notification in one statement. Parameters: ``note_id``, ``note_link``, ``note_data``
    and ``note_created_at`` (bare names would be taken for columns of the UPDATE beside it)."""
    return _run_completed_fast(ended).cte("run_completed")


def run_completed_params(
    *, execution_id: str, user_id: str, graph_id: str, graph_version: int, now: datetime
) -> dict[str, Any]:
    """The parameters of :data:`RUN_COMPLETED_FAST` for one completed run."""
    return {
        "id": new_id(),
        "user_id": user_id,
        "graph_id": graph_id,
        "graph_version": graph_version,
        "link": RUN_LINK.format(execution_id=execution_id),
        "data": {"execution_id": execution_id, "graph_id": graph_id, "status": "COMPLETED"},
        "created_at": now,
    }


async def notify_run_end(
    session: AsyncSession,
    *,
    execution_id: str,
    user_id: str,
    graph_id: str,
    graph_version: int,
    status: str,
    error: str | None = None,
    schedule_id: str | None = None,
    parent_execution_id: str | None = None,
) -> NotificationPublic | None:
    """Notify the owner that their run ended: ``run_completed``, ``run_failed`` or ``scheduled_run_failed``.

    Nothing for sub-agent runs (their parent's end is what the owner hears about) nor for runs
    that were stopped (``TERMINATED``: the user did it). A failed run started by a schedule is a
    ``scheduled_run_failed``. INTERNAL: call it in the transaction that records the final status.
    """
    if parent_execution_id is not None or status not in ("COMPLETED", "FAILED"):
        return None
    name = await _agent_name(session, user_id, graph_id, graph_version)
    data = {"execution_id": execution_id, "graph_id": graph_id, "status": status}
    if status == "COMPLETED":
        kind, title, body = RUN_COMPLETED, f"“{name}” finished", "The run completed."
    elif schedule_id is not None:
        from autogpt_app.scheduling.models import Schedule

        schedule_name = (
            await session.execute(select(Schedule.name).where(Schedule.id == schedule_id))
        ).scalar_one_or_none()
        kind = SCHEDULED_RUN_FAILED
        title = f"Scheduled run “{schedule_name or name}” failed"
        body = (error or "The run failed.")[:MAX_ERROR]
        data["schedule_id"] = schedule_id
    else:
        kind, title, body = RUN_FAILED, f"“{name}” failed", (error or "The run failed.")[:MAX_ERROR]
    return await create_notification(
        session,
        user_id,
        type=kind,
        title=title,
        body=body,
        link=RUN_LINK.format(execution_id=execution_id),
        data=data,
    )


async def notify_new_version(session: AsyncSession, listing_id: str, listing_version_id: str) -> int:
    """Tell everyone who keeps the listing's agent in their library that a newer version was approved.

    One ``new_version`` notification per user with a library entry from the listing (not the
    listing's creator, and not users who turned the type off), linking to the listing. Three
    queries and two inserts whatever the number of users. INTERNAL: call it in the review's
    transaction, after the version is approved. Returns how many users were notified.
    """
    from autogpt_app.store.models import Creator, StoreListing, StoreListingVersion

    found = (
        await session.execute(
            select(StoreListing.name, StoreListing.slug, Creator.user_id, StoreListingVersion.version_number)
            .join(Creator, Creator.id == StoreListing.creator_id)
            .join(StoreListingVersion, StoreListingVersion.listing_id == StoreListing.id)
            .where(StoreListing.id == listing_id, StoreListingVersion.id == listing_version_id)
        )
    ).first()
    if found is None:
        log.warning("new version %s of listing %s not found; nobody notified", listing_version_id, listing_id)
        return 0
    name, slug, creator_user_id, number = found
    P = NotificationPreference
    owners = (
        await session.execute(
            select(LibraryAgent.user_id, P.channel, P.digest)
            .outerjoin(P, and_(P.user_id == LibraryAgent.user_id, P.type == NEW_VERSION))
            .where(LibraryAgent.store_listing_id == listing_id, LibraryAgent.user_id != creator_user_id)
            .distinct()
        )
    ).all()
    deliveries = {
        user_id: (channel or preferences.DEFAULT_CHANNEL, bool(digest)) for user_id, channel, digest in owners
    }
    return await create_for_users(
        session,
        deliveries,
        type=NEW_VERSION,
        title=f"A new version of “{name}” is available",
        body=f"Version {number} was published in the marketplace. Update your copy from your library.",
        link=LISTING_LINK.format(slug=slug),
        data={"listing_id": listing_id, "listing_version_id": listing_version_id, "version": number},
    )
