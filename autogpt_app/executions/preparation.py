"""What a run still needs before it can start: one rule for every way of starting one.

The API, the run form, the schedule dialog, the marketplace page, the copilot, the scheduler and
sub-agent runs all ask here which inputs are missing and which credential fills each need, so they
can never disagree.

The credential policy, in full:

1. a need the person chose a credential for uses it (it must be theirs and fit, see
   :func:`~autogpt_app.executions.service.resolve_credentials`);
2. otherwise the person's fitting credential when there is exactly one;
3. with several fitting ones, the newest: what a run started from the API, a form (which shows it
   preselected) or a schedule uses. Callers that act on a person's words instead of a form they
   saw (the copilot) pass ``ask_when_several=True``, and the need stays open with its choices;
4. a required need with none is open (the run cannot start); an optional one is left empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User

__all__ = ["OpenNeed", "Preparation", "fits", "missing_inputs", "pick_credential", "prepare_run"]


def missing_inputs(schema: dict[str, Any], given: dict[str, Any]) -> list[str]:
    """The required inputs of ``schema`` that ``given`` leaves empty (None or ""), in schema order."""
    return [name for name in schema.get("required") or [] if given.get(name) in (None, "")]


def fits(credential: Any, need: dict[str, Any]) -> bool:
    """Whether a credential (anything with ``provider`` and ``type``) can fill ``need``."""
    kind = str(getattr(credential.type, "value", credential.type))
    return credential.provider == need.get("provider") and kind in [str(t) for t in need.get("types") or []]


def pick_credential(fitting: Sequence[Any], *, ask_when_several: bool = False) -> str | None:
    """The credential id the policy picks among ``fitting`` (newest first), or None when it picks none."""
    if len(fitting) == 1 or (fitting and not ask_when_several):
        return str(fitting[0].id)
    return None


@dataclass
class OpenNeed:
    """A credential need no credential was picked for: none saved, or several to choose from."""

    key: str
    provider: str
    types: list[str]
    required: bool
    choices: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Preparation:
    """What a run needs, as :func:`prepare_run` found it."""

    missing: list[str]
    credentials: dict[str, str]
    open_needs: list[OpenNeed]

    @property
    def ready(self) -> bool:
        """Whether nothing is missing: the run can be started with these inputs and credentials."""
        return not self.missing and not any(need.required for need in self.open_needs)


async def prepare_run(
    session: AsyncSession,
    user: User,
    input_schema: dict[str, Any],
    credentials_schema: dict[str, Any],
    inputs: dict[str, Any],
    chosen: dict[str, str] | None = None,
    *,
    ask_when_several: bool = False,
) -> Preparation:
    """The inputs still missing and the credential for each need, by the policy above.

    Chosen credentials are kept as given here; :func:`~autogpt_app.executions.service.add_graph_execution`
    checks they are the person's and fit when the run starts.
    """
    from autogpt_app.credentials import service as credentials_service

    picked = dict(chosen or {})
    open_needs: list[OpenNeed] = []
    for key, need in (credentials_schema.get("properties") or {}).items():
        if key in picked:
            continue
        saved = await credentials_service.find_for_provider(session, user, str(need.get("provider", "")))
        fitting = [c for c in saved if fits(c, need)]
        choice = pick_credential(fitting, ask_when_several=ask_when_several)
        if choice is not None:
            picked[key] = choice
            continue
        open_needs.append(
            OpenNeed(
                key=str(key),
                provider=str(need.get("provider", "")),
                types=[str(t) for t in need.get("types") or []],
                required=bool(need.get("required", True)),
                choices=[{"id": c.id, "title": c.title, "hint": c.hint} for c in fitting],
            )
        )
    return Preparation(missing=missing_inputs(input_schema, inputs), credentials=picked, open_needs=open_needs)
