"""What produces notifications in other domains: the end of a run, and a new marketplace version.

Each trigger takes the caller's session and writes in its transaction, so the notification exists
exactly when the change that caused it does:

* :func:`notify_run_end` is called by the runner in the transaction that records a run's final
  status (the one statement that moves it out of QUEUED/RUNNING, which succeeds once per run even
  when a crashed worker's run is resumed elsewhere);
* :func:`notify_new_version` is called by the store's review when a version is approved.
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.graphs.models import GraphVersion
from autogpt_app.library.models import LibraryAgent
from autogpt_app.notifications import preferences
from autogpt_app.notifications.models import NotificationPreference, NotificationPublic
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
