"""How often and when a user ran each agent, derived from their runs (never a counter on a hot row).

A run start used to add one to ``library_agents.run_count``: every concurrent run of one agent then
waited for that row's lock until the starting transaction committed. The counts are now read from
``graph_executions`` through the ``(user_id, graph_id, created_at)`` index: a run start writes only
its own row, and a count can never drift from the runs it counts. Sub-agent runs belong to their
parent and are not counted, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Subquery, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.executions.models import GraphExecution
from autogpt_app.timeutil import UTCDateTime

_E = GraphExecution


class RunStats(NamedTuple):
    """Runs of one agent by its owner: how many, and when the latest started."""

    count: int = 0
    last_run_at: datetime | None = None


NEVER_RUN = RunStats()


def _grouped(user_id: str):
    return (
        select(
            _E.graph_id,
            func.count().label("run_count"),
            func.max(_E.created_at, type_=UTCDateTime).label("last_run_at"),
        )
        .where(_E.user_id == user_id, _E.parent_execution_id.is_(None))
        .group_by(_E.graph_id)
    )


def stats_subquery(user_id: str) -> Subquery:
    """``(graph_id, run_count, last_run_at)`` per agent the user ran, to join a library query on."""
    return _grouped(user_id).subquery("run_stats")


@functools.cache
def correlated_columns(library_table) -> tuple:
    """``(run_count, last_run_at)`` as subqueries correlated to each row of ``library_table``: a page
    query selects them for its own rows only (two index range scans a row, no extra round trip).

    Built once per table (they hold no value of a request): constructing them costs more than running
    the cached statement."""
    own = (
        _E.user_id == library_table.c.user_id,
        _E.graph_id == library_table.c.graph_id,
        _E.parent_execution_id.is_(None),
    )
    count = select(func.count()).where(*own).correlate(library_table).scalar_subquery()
    last = select(func.max(_E.created_at, type_=UTCDateTime)).where(*own).correlate(library_table).scalar_subquery()
    return count.label("run_count"), last.label("last_run_at")


async def run_stats(session: AsyncSession, user_id: str, graph_ids: Sequence[str]) -> dict[str, RunStats]:
    """Run count and last run time of each of ``graph_ids`` by ``user_id`` (absent: never run)."""
    wanted = list(dict.fromkeys(graph_ids))
    if not wanted:
        return {}
    rows = await session.execute(_grouped(user_id).where(_E.graph_id.in_(wanted)))
    return {graph_id: RunStats(count, last) for graph_id, count, last in rows.all()}
