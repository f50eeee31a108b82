"""States of triggers: the Triggers section of an agent's library page (its list, the "New trigger"
dialog, the secret shown once) and a trigger's own page (its settings and delivery log).

Every change goes through ``triggers.service``, which checks everything again; a refusal shows the
service's sentence and writes nothing. The webhook secret lives in this state only between the
answer that made it and the moment the person closes the window that shows it.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.credentials import service as credentials_service
from autogpt_app.errors import NotFound
from autogpt_app.executions.service import run_statuses
from autogpt_app.library import service as library
from autogpt_app.timeutil import local_time, relative_time
from autogpt_app.triggers import checks, service
from autogpt_app.triggers.mapping import WHOLE
from autogpt_app.triggers.views import AUTH_LABELS, DeliveryPublic, TriggerPublic
from autogpt_app.ui import routes
from autogpt_app.ui.components.run_form import (
    CREDENTIAL_PREFIX,
    CredentialChoice,
    CredentialNeed,
    credential_needs,
    credentials_from_form,
)
from autogpt_app.ui.states.agent_run import path_arg
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.trigger_rows import (
    DELIVERIES_SHOWN,
    KIND_CHOICES,
    MAILBOX_KEY,
    SOURCE_CHOICES,
    DeliveryRow,
    MappingRow,
    TriggerRow,
    bearer_example,
    describe,
    mapping_row,
    mapping_words,
    signing_example,
)


class AgentTriggersState(AuthState):
    """The Triggers section of an agent's page, its "New trigger" dialog and the secret shown once."""

    rows: list[TriggerRow] = []
    triggers_error: str = ""
    dialog_open: bool = False
    dialog_key: str = ""
    form_error: str = ""
    saving: bool = False
    #: ``create`` or ``edit`` (then ``edit_id`` is the trigger; its kind cannot change).
    mode: str = "create"
    edit_id: str = ""
    kind: str = "webhook"
    auth_mode: str = "hmac"
    name_default: str = ""
    url_default: str = ""
    folder_default: str = checks.DEFAULT_FOLDER
    per_minute_default: str = str(checks.DEFAULT_PER_MINUTE)
    interval_default: str = "5"
    mapping: list[MappingRow] = []
    needs: list[CredentialNeed] = []
    mailbox: CredentialNeed = CredentialNeed(key=MAILBOX_KEY, title="Mailbox login (IMAP)")
    #: The secret just made, with its address and example: shown until the person closes it.
    secret_open: bool = False
    secret: str = ""
    secret_url: str = ""
    secret_example: str = ""
    secret_name: str = ""

    _graph_id: str = ""
    _opened: int = 0

    async def _graph(self, session: AsyncSession, user: User) -> str:
        if not self._graph_id:
            agent_id = path_arg(self.router.url.path, "/library/agent/")
            self._graph_id = (await library.get_agent(session, user, agent_id)).graph_id
        return self._graph_id

    async def _load(self, session: AsyncSession, user: User) -> None:
        try:
            graph_id = await self._graph(session, user)
        except NotFound:  # the agent page says so
            self.rows = []
            return
        found = await service.list_triggers(session, user, graph_id=graph_id)
        last = await service.last_deliveries(session, user, [t.id for t in found])
        zone = self._zone()
        self.rows = [
            TriggerRow(
                id=t.id,
                name=t.name,
                kind=t.kind,
                kind_label=t.kind_label,
                is_active=t.is_active,
                detail=describe(t),
                webhook_url=t.webhook_url or "",
                last_delivery=(
                    f"{last[t.id].status_label} · {relative_time(last[t.id].received_at, zone)}"
                    if t.id in last
                    else "Nothing received yet"
                ),
                href=routes.trigger(t.id),
            )
            for t in found
        ]

    @rx.event
    async def load(self):
        """Read this agent's triggers (``on_load`` of the agent page)."""
        self.rows, self.triggers_error, self._graph_id = [], "", ""
        self.dialog_open = self.secret_open = False
        self.secret = self.secret_url = self.secret_example = ""
        if await self._attempt(self._load, error_field="triggers_error") is FAILED:
            return self._after_failure()
        return None

    def _open(self, mode: str) -> None:
        self._opened += 1
        self.mode, self.dialog_key = mode, f"{mode}-{self._opened}"
        self.kind, self.auth_mode, self.form_error, self.saving, self.edit_id = "webhook", "hmac", "", False, ""
        self.name_default, self.url_default, self.folder_default = "", "", checks.DEFAULT_FOLDER
        self.per_minute_default, self.interval_default = str(checks.DEFAULT_PER_MINUTE), "5"

    async def _prepare(self, session: AsyncSession, user: User, trigger: TriggerPublic | None = None) -> None:
        """The dialog's inputs, credential pickers and mailbox choices, from ``trigger`` when editing."""
        graph_id = trigger.graph_id if trigger else await self._graph(session, user)
        agent = (await library.agents_by_graph(session, user, [graph_id]))[graph_id]
        detail = await library.get_agent(session, user, agent.id)
        properties = detail.input_schema.get("properties") or {}
        required = set(detail.input_schema.get("required") or [])
        self.mapping = [
            mapping_row(name, field, name in required, len(properties) == 1, trigger)
            for name, field in properties.items()
        ]
        mine = await credentials_service.list_credentials(session, user)
        needs = credential_needs(detail.credentials_input_schema, mine)
        for need in needs if trigger else []:
            chosen = trigger.credentials.get(need.key, "")
            if any(c.id == chosen for c in need.choices):
                need.selected = chosen
        self.needs = needs
        choices = [
            CredentialChoice(id=c.id, label=c.title)
            for c in mine
            if c.provider == checks.IMAP_PROVIDER and str(getattr(c.type, "value", c.type)) in checks.IMAP_TYPES
        ]
        picked = str((trigger.config if trigger else {}).get("credential_id") or "")
        if not any(c.id == picked for c in choices):
            picked = choices[0].id if choices else ""
        self.mailbox = CredentialNeed(key=MAILBOX_KEY, title="Mailbox login (IMAP)", choices=choices, selected=picked)

    @rx.event
    async def open_new(self):
        """Open the "New trigger" dialog on this agent's inputs and the person's fitting credentials."""
        self._open("create")
        if await self._attempt(self._prepare, error_field="triggers_error") is FAILED:
            return self._after_failure()
        self.dialog_open = True
        return None

    @rx.event
    async def open_edit(self, trigger_id: str):
        """Open the dialog on one of this agent's triggers: its name, settings, inputs and credentials."""
        self._open("edit")

        async def load(session: AsyncSession, user: User) -> None:
            trigger = await service.get_trigger(session, user, trigger_id)
            self.edit_id, self.kind, self.auth_mode = trigger.id, trigger.kind, trigger.auth_mode or "hmac"
            self.name_default = trigger.name
            self.url_default = str(trigger.config.get("url") or "")
            self.folder_default = str(trigger.config.get("folder") or checks.DEFAULT_FOLDER)
            self.per_minute_default = str(trigger.config.get("max_per_minute") or checks.DEFAULT_PER_MINUTE)
            seconds = trigger.poll_interval_seconds or checks.DEFAULT_INTERVAL
            self.interval_default = f"{seconds / 60:g}"
            await self._prepare(session, user, trigger)

        if await self._attempt(load, error_field="triggers_error") is FAILED:
            return self._after_failure()
        self.dialog_open = True
        return None

    @rx.event
    def set_dialog_open(self, value: bool):
        """Close the dialog (nothing is written until Create)."""
        self.dialog_open = bool(value) and self.dialog_open

    @rx.event
    def set_kind(self, value: str):
        """Webhook, new feed item, page changed or new e-mail."""
        if value in KIND_CHOICES:
            self.kind = value

    @rx.event
    def set_auth_mode(self, value: str):
        """How a webhook's senders prove themselves."""
        if value in AUTH_LABELS:
            self.auth_mode = value

    @rx.event
    def set_source(self, name: str, value: str):
        """Where one input's value comes from."""
        if value in SOURCE_CHOICES:
            self.mapping = [
                row.model_copy(update={"source": value}) if row.name == name else row for row in self.mapping
            ]

    def _mapping_from_form(self, form: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        mapping: dict[str, str] = {}
        fixed: dict[str, Any] = {}
        for row in self.mapping:
            value = str(form.get(f"map__{row.name}", "") or "").strip()
            if row.source == "event":
                mapping[row.name] = WHOLE
            elif row.source == "path":
                mapping[row.name] = value
            elif row.source == "fixed" and value != "":
                fixed[row.name] = value
        return mapping, fixed

    @rx.event
    async def create(self, form: dict[str, Any]):
        """Create the trigger (a webhook's secret is then shown once), or save the one being edited."""
        if self.saving:
            return
        self.form_error = ""
        mapping, fixed = self._mapping_from_form(form)
        config: dict[str, Any] = {}
        if self.kind == "webhook":
            config = {"auth_mode": self.auth_mode, "max_per_minute": str(form.get("max_per_minute") or "60")}
        elif self.kind in ("feed", "page"):
            config = {"url": str(form.get("url") or "")}
        else:
            config = {
                "folder": str(form.get("folder") or ""),
                "credential_id": str(form.get(CREDENTIAL_PREFIX + MAILBOX_KEY) or ""),
            }
        minutes = str(form.get("interval_minutes") or "5").strip()
        interval: int | str = int(float(minutes) * 60) if minutes.replace(".", "", 1).isdigit() else minutes
        kind, name, chosen = self.kind, str(form.get("trigger_name") or ""), credentials_from_form(self.needs, form)

        editing, edit_id = self.mode == "edit", self.edit_id

        async def save(session: AsyncSession, user: User):
            if editing:
                saved = await service.update_trigger(
                    session,
                    user,
                    edit_id,
                    name=name,
                    input_mapping=mapping,
                    inputs=fixed,
                    credentials=chosen,
                    config=config,
                    poll_interval_seconds=interval if kind in checks.POLL_KINDS else None,
                )
                await self._load(session, user)
                return saved
            made = await service.create_trigger(
                session,
                user,
                kind=kind,
                graph_id=await self._graph(session, user),
                name=name,
                input_mapping=mapping,
                inputs=fixed,
                credentials=chosen,
                config=config,
                poll_interval_seconds=interval if kind in checks.POLL_KINDS else None,
            )
            await self._load(session, user)
            return made

        self.saving = True
        yield
        try:
            made = await self._attempt(save, error_field="form_error")
        finally:
            self.saving = False
        if made is FAILED:
            yield self._after_failure()
            return
        self.dialog_open = False
        if editing:
            yield rx.toast.success(f"Saved “{made.name}”.")
            return
        if made.secret:
            self._show_secret(made.name, made.webhook_url or "", made.secret, made.auth_mode or "hmac")
        yield rx.toast.success(f"Trigger “{made.name}” created.")

    def _show_secret(self, name: str, url: str, secret: str, mode: str) -> None:
        self.secret_name, self.secret_url, self.secret = name, url, secret
        self.secret_example = signing_example(url, secret) if mode == "hmac" else bearer_example(url, secret)
        self.secret_open = True

    @rx.event
    def close_secret(self, value: bool = False):
        """Forget the secret: it is never shown again (rotate it to get a new one)."""
        if not value:
            self.secret_open = False
            self.secret = self.secret_example = ""

    async def _act(self, action, trigger_id: str) -> Any:
        """Run one service action on a trigger and re-read the list; the result, or :data:`FAILED`."""
        self.triggers_error = ""

        async def act(session: AsyncSession, user: User) -> Any:
            result = await action(session, user, trigger_id)
            await self._load(session, user)
            return result

        return await self._attempt(act, error_field="triggers_error")

    @rx.event
    async def pause(self, trigger_id: str):
        """Stop starting runs until resumed."""
        if await self._act(service.pause_trigger, trigger_id) is FAILED:
            return self._after_failure()
        return rx.toast.success("Trigger paused.")

    @rx.event
    async def resume(self, trigger_id: str):
        """Start runs again (the service checks the agent still fits)."""
        if await self._act(service.resume_trigger, trigger_id) is FAILED:
            return self._after_failure()
        return rx.toast.success("Trigger resumed.")

    @rx.event
    async def rotate(self, trigger_id: str):
        """Replace a webhook's secret; the new one is shown once."""
        made = await self._act(service.rotate_secret, trigger_id)
        if made is FAILED:
            return self._after_failure()
        self._show_secret(made.name, made.webhook_url or "", made.secret or "", made.auth_mode or "hmac")
        return rx.toast.success("New secret made: the old one no longer works.")

    @rx.event
    async def delete(self, trigger_id: str):
        """Delete a trigger and its delivery log (its runs stay)."""
        if await self._act(service.delete_trigger, trigger_id) is FAILED:
            return self._after_failure()
        return rx.toast.success("Trigger deleted.")


class TriggerPageState(AuthState):
    """A trigger's page: its settings and its newest deliveries."""

    page_status: str = "loading"
    trigger_id: str = ""
    name: str = ""
    kind_label: str = ""
    is_active: bool = False
    detail: str = ""
    webhook_url: str = ""
    secret_hint: str = ""
    agent_name: str = ""
    agent_href: str = ""
    mapping: list[str] = []
    last_error: str = ""
    deliveries: list[DeliveryRow] = []
    delivery_total: int = 0
    page_error: str = ""

    async def _load(self, session: AsyncSession, user: User) -> None:
        trigger = await service.get_trigger(session, user, self.trigger_id)
        agent = (await library.agents_by_graph(session, user, [trigger.graph_id])).get(trigger.graph_id)
        self.name, self.kind_label, self.is_active = trigger.name, trigger.kind_label, trigger.is_active
        self.detail, self.webhook_url = describe(trigger), trigger.webhook_url or ""
        self.secret_hint = f"…{trigger.secret_hint}" if trigger.secret_hint else ""
        self.agent_name = agent.name if agent else "Agent (no longer in your library)"
        self.agent_href = routes.library_agent(agent.id) if agent else ""
        self.mapping = mapping_words(trigger)
        self.last_error = trigger.last_error or ""
        page = await service.list_deliveries(session, user, trigger.id, limit=DELIVERIES_SHOWN)
        self.delivery_total = page.total
        statuses = await run_statuses(session, user, [d.execution_id or "" for d in page.items])
        self.deliveries = [self._row(d, statuses) for d in page.items]
        self.page_status = "ready"

    def _row(self, d: DeliveryPublic, statuses: dict[str, str]) -> DeliveryRow:
        zone = self._zone()
        run_id = d.execution_id or ""
        return DeliveryRow(
            id=d.id,
            received=relative_time(d.received_at, zone),
            received_full=local_time(d.received_at, zone, seconds=True),
            status=d.status,
            status_label=d.status_label,
            http_status=str(d.http_status or ""),
            run_href=routes.run(run_id) if run_id else "",
            run_status=statuses.get(run_id, ""),
            error=d.error or "",
            summary=d.summary or "",
        )

    @rx.event
    async def load(self):
        """``on_load``: the trigger of the address, or "not found" (also for another person's)."""
        self.page_status, self.page_error, self.deliveries = "loading", "", []
        self.trigger_id = path_arg(self.router.url.path, "/library/triggers/")
        result = await self._attempt(self._load, error_field="page_error")
        if result is FAILED:
            if self.user_id:
                self.page_status = "not_found"
            return self._after_failure()
        return None

    @rx.event
    async def refresh(self):
        """Read the trigger and its deliveries again."""
        self.page_error = ""
        if await self._attempt(self._load, error_field="page_error") is FAILED:
            return self._after_failure()
        return None
