"""State of the agent builder (``/build`` and ``/build/<graph id>``).

The canvas (``ui/components/agent_canvas``) owns what the person drags; this state keeps the
working copy of the agent and hears finished actions only (:meth:`BuilderState.act`). Each action
is applied by :func:`autogpt_app.graphs.editing.apply`, the graph validated again, and what the
canvas must mirror (a connection the server accepted, an input changed in the side panel) is sent
back in ``command``. The side panel edits the selected node with the run form's own fields.
Saving makes a new immutable version; a graph that is not valid can only be kept as a draft.
"""

from __future__ import annotations

import uuid
from typing import Any

import reflex as rx
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app import wording
from autogpt_app.auth import service as auth_service
from autogpt_app.auth.models import User
from autogpt_app.blocks.registry import find_block
from autogpt_app.bus import execution_channel
from autogpt_app.credentials import service as credentials_service
from autogpt_app.db import session_scope
from autogpt_app.errors import InvalidInput, NotFound, ServiceError
from autogpt_app.executions import service as executions
from autogpt_app.executions.preparation import fits
from autogpt_app.graphs import editing
from autogpt_app.graphs import service as graphs
from autogpt_app.graphs.spec import NODE_ASK_INPUT
from autogpt_app.library import service as library
from autogpt_app.settings import get_settings
from autogpt_app.store.ratings import visible_listing
from autogpt_app.ui import routes
from autogpt_app.ui.components.outputs import FINAL_STATUSES, format_time, preview_pins
from autogpt_app.ui.components.run_form import (
    INPUT_PREFIX,
    CredentialChoice,
    CredentialNeed,
    RunField,
    credential_needs,
    credentials_from_form,
    fields_from_schema,
    inputs_from_form,
    values_from_inputs,
)
from autogpt_app.ui.live import follow_into_state, new_follow_id
from autogpt_app.ui.states.agent_run import field_messages, path_arg
from autogpt_app.ui.states.auth import FAILED, AuthState

#: How many of the server's recent operation batches ``command`` carries (a canvas that missed one
#: in a burst still applies it; each batch is applied once, by its sequence number).
COMMAND_WINDOW = 3
#: The longest the builder follows a run it started.
MAX_FOLLOW_SECONDS = 3600


class NodePanel(BaseModel):
    """The side panel of the selected node."""

    node_id: str = ""
    block_name: str = ""
    block_description: str = ""
    title: str = ""
    note: str = ""
    fields: list[RunField] = []
    texts: dict[str, str] = {}
    connected: list[str] = []
    credentials: list[CredentialNeed] = []
    #: Whether the run pauses for the owner's approval before this step runs.
    ask_before: bool = False


class VersionRow(BaseModel):
    """One saved version in the builder's history list."""

    version: int
    note: str
    who: str
    when: str
    is_active: bool


class ProblemRow(BaseModel):
    """One problem of the graph, with the node it concerns."""

    node_id: str
    where: str
    message: str


def _credential_fields(block_id: str) -> dict[str, Any]:
    block = find_block(block_id)
    return {r.field: r for r in block.credentials} if block else {}


async def _agent_address(session: AsyncSession, user: User, agent_id: str) -> str:
    """Where ``/build/<agent_id>`` should go when ``agent_id`` is not one of the person's graphs: the
    builder of their library entry's graph, or a marketplace listing's page (whose "Edit in builder"
    adds it to the library first: nothing is added without the person asking); "" for neither."""
    try:
        return routes.builder((await library.get_agent(session, user, agent_id)).graph_id)
    except NotFound:
        pass
    try:
        listing = await visible_listing(session, agent_id)
    except NotFound:
        return ""
    return routes.marketplace_agent(listing.slug)


class BuilderState(AuthState):
    """One agent on the canvas: its working copy, the selected node, versions, and a run's live state."""

    #: ``loading``, ``ready`` or ``not_found``.
    page_status: str = "loading"
    graph_id: str = ""
    agent_name: str = ""
    agent_description: str = ""
    version: int = 0
    canvas_graph: dict[str, Any] = {}
    canvas_key: str = ""
    command: dict[str, Any] = {"seq": 0, "batches": []}
    problems: list[dict[str, Any]] = []
    #: The problems as the list beside the canvas shows them (a plain var, set with ``problems``: a
    #: computed one would be recomputed and sent after every drag).
    problem_rows: list[ProblemRow] = []
    dirty: bool = False
    notice: str = ""
    page_error: str = ""
    saving: bool = False
    panel: NodePanel = NodePanel()
    panel_key: str = ""
    #: Kept apart from ``panel``, so that an edit in the panel sends only what changed.
    panel_problems: list[str] = []
    #: The selected node's last run in a run started here: status label, outputs and error.
    panel_run: dict[str, str] = {}
    panel_error: str = ""
    versions: list[VersionRow] = []
    draft_saved: str = ""
    # The run started from the builder.
    run_open: bool = False
    run_fields: list[RunField] = []
    run_values: dict[str, str] = {}
    run_needs: list[CredentialNeed] = []
    run_errors: dict[str, str] = {}
    run_error: str = ""
    run_id: str = ""
    run_status: str = ""
    node_states: dict[str, dict[str, str]] = {}
    #: Whether the run is being followed now.
    live: bool = False

    _graph: dict[str, Any] = {}
    _seq: int = 0
    _batches: list[list[Any]] = []
    _results: dict[str, dict[str, str]] = {}
    _follow_id: str = ""
    _elsewhere: str = ""
    _restoring: int = 0

    # --- computed ---------------------------------------------------------------------------------

    @rx.var
    def is_valid(self) -> bool:
        """Whether the working copy can be saved as a version (and run)."""
        return not self.problems

    @rx.var
    def run_active(self) -> bool:
        """Whether a run started here is still going."""
        return bool(self.run_id) and self.run_status not in FINAL_STATUSES

    # --- helpers ----------------------------------------------------------------------------------

    def _working(self) -> dict[str, Any]:
        """The working copy itself, not Reflex's change-tracking proxy around it: editing walks a
        graph of hundreds of nodes, and the services serialise it."""
        graph = self._graph
        return getattr(graph, "__wrapped__", graph)

    @staticmethod
    def _node_title(node: dict[str, Any]) -> str:
        block = find_block(str(node.get("block_id", "")))
        title = (node.get("metadata") or {}).get("title")
        return str(title or (block.name if block else "Unknown block"))

    def _send(self, ops: list[dict[str, Any]]) -> None:
        """Hand operations to the canvas (one batch per handler)."""
        if not ops:
            return
        self._seq += 1
        self._batches = [*self._batches, [self._seq, ops]][-COMMAND_WINDOW:]
        self.command = {"seq": self._seq, "batches": self._batches}

    def _show(self, graph: dict[str, Any]) -> None:
        """Start the canvas over from ``graph`` (load, restore, a resync after a refusal)."""
        self._graph = graph
        self.canvas_graph = {"nodes": graph.get("nodes", []), "links": graph.get("links", [])}
        self.canvas_key = uuid.uuid4().hex
        self.agent_name = str(graph.get("name", ""))
        self.agent_description = str(graph.get("description", ""))
        self._revalidate()
        self.panel = NodePanel()
        self._show_panel_state()

    def _revalidate(self) -> None:
        graph = self._working()
        problems = editing.problems(graph)
        titles = {n["id"]: self._node_title(n) for n in graph.get("nodes", [])}
        rows = []
        for p in problems:
            node_id = p.get("node_id") or ""
            where = titles.get(node_id, "Agent") + (f" · {p['pin']}" if p.get("pin") else "")
            rows.append(ProblemRow(node_id=node_id, where=where, message=str(p.get("message", ""))))
        if problems != self.problems:
            self.problems = problems
        if rows != self.problem_rows:
            self.problem_rows = rows

    def _node(self, node_id: str) -> dict[str, Any] | None:
        return next((n for n in self._working().get("nodes", []) if n.get("id") == node_id), None)

    async def _panel_for(self, node_id: str, session: AsyncSession | None = None, user: User | None = None) -> None:
        node = self._node(node_id) if node_id else None
        if node is None:
            self.panel = NodePanel()
            return
        block = find_block(str(node.get("block_id", "")))
        meta = node.get("metadata") or {}
        defaults = node.get("input_default") or {}
        creds = _credential_fields(str(node.get("block_id", "")))
        schema = block.input_schema() if block else {}
        props = {k: v for k, v in (schema.get("properties") or {}).items() if k not in creds}
        fields = fields_from_schema({"properties": props, "required": schema.get("required", [])})
        links = self._working().get("links", [])
        connected = sorted({link["sink_name"] for link in links if link.get("sink_id") == node_id})
        needs: list[CredentialNeed] = []
        if creds and session is not None and user is not None:
            mine = await credentials_service.list_credentials(session, user)
            for field, need in creds.items():
                wanted = {"provider": need.provider, "types": list(need.types)}
                chosen = defaults.get(field) if isinstance(defaults.get(field), dict) else {}
                needs.append(
                    CredentialNeed(
                        key=field,
                        title=credential_needs({"properties": {field: wanted}}, [])[0].title,
                        description=need.description,
                        required=not need.optional,
                        choices=[
                            CredentialChoice(id=c.id, label=f"{c.title} ({c.hint})" if c.hint else c.title)
                            for c in mine
                            if fits(c, wanted)
                        ],
                        selected=str(chosen.get("id", "")),
                    )
                )
        self.panel = NodePanel(
            node_id=node_id,
            block_name=block.name if block else f"Unknown block {node.get('block_id')}",
            block_description=block.description if block else "This platform has no such block.",
            title=str(meta.get("title") or ""),
            note=str(meta.get("note") or ""),
            fields=fields,
            texts=values_from_inputs(fields, defaults),
            connected=connected,
            credentials=needs,
            ask_before=defaults.get(NODE_ASK_INPUT) is True,
        )
        self._show_panel_state()
        self.panel_key = f"{node_id}-{uuid.uuid4().hex[:8]}"

    def _show_panel_state(self) -> None:
        """The selected node's problems and last run result (each var set only when it changed)."""
        node_id = self.panel.node_id
        problems = [str(p.get("message")) for p in self.problems if node_id and p.get("node_id") == node_id]
        if problems != self.panel_problems:
            self.panel_problems = problems
        result = self._results.get(node_id, {}) if node_id else {}
        run = {
            "status": result.get("label", ""),
            "outputs": result.get("outputs", ""),
            "error": result.get("error", ""),
            "notes": result.get("notes", ""),
        }
        if run != self.panel_run:
            self.panel_run = run

    def _apply(self, op: dict[str, Any]) -> editing.EditResult:
        graph = self._working()
        result = editing.apply(graph, op)
        if result.changed:
            self._graph = graph  # kept with the state (a state kept in Redis is saved when a var is set)
        # Each var set is sent to the browser: set only what changes (a drag must cost a few bytes).
        notice = result.refusal or ""
        if notice != self.notice:
            self.notice = notice
        if result.changed and not op.get("layout") and not self.dirty:
            self.dirty = True
        return result

    # --- loading ----------------------------------------------------------------------------------

    async def _load_versions(self, session: AsyncSession, user: User) -> None:
        if not self.graph_id:
            self.versions = []
            return
        rows = await graphs.list_versions(session, user, self.graph_id)
        zone = self._zone()
        self.versions = [
            VersionRow(
                version=r.version,
                note=r.note,
                who=r.created_by_name,
                when=format_time(r.created_at, zone),
                is_active=r.is_active,
            )
            for r in rows
        ]

    @rx.event
    async def load(self):
        """Open the agent in the URL (or an empty canvas at ``/build``), with the person's draft if any."""
        self.page_status = "loading"
        self.notice = self.page_error = self.draft_saved = self.run_error = ""
        self.dirty = False
        self.run_open = False
        self.run_id = self.run_status = ""
        self.node_states, self._results = {}, {}
        self._follow_id = ""
        self.graph_id = path_arg(self.router.url.path, "/build")

        async def load(session: AsyncSession, user: User) -> None:
            graph: dict[str, Any]
            if self.graph_id:
                try:
                    found = await graphs.get_graph(session, user, self.graph_id)
                except NotFound:
                    # The copilot's links name an agent as it knows it: a library entry or a listing.
                    self._elsewhere = await _agent_address(session, user, self.graph_id)
                    self.page_status = "not_found"
                    return
                self.version = found.version
                graph = {
                    "name": found.name,
                    "description": found.description,
                    "nodes": found.nodes,
                    "links": found.links,
                    "sub_graphs": found.sub_graphs,
                }
            else:
                self.version = 0
                graph = editing.empty_graph()
            draft = await graphs.get_draft(session, user, self.graph_id or None)
            if draft:
                kept = draft["graph"]
                graph = {**graph, **{k: v for k, v in kept.items() if k in ("name", "description", "nodes", "links")}}
                self.draft_saved = format_time(draft["updated_at"], self._zone())
                self.dirty = True
            self._show(graph)
            await self._load_versions(session, user)
            self.page_status = "ready"

        self._elsewhere = ""
        if await self._attempt(load, error_field="page_error") is FAILED:
            if self.page_status == "loading":
                self.page_status = "ready" if self.page_error else "loading"
            return self._after_failure()
        if self._elsewhere:
            return rx.redirect(self._elsewhere, replace=True)
        return None

    # --- canvas actions ---------------------------------------------------------------------------

    @rx.event
    async def act(self, op: dict[str, Any]):
        """One finished action on the canvas: apply it, validate again, mirror what the server changed."""
        if self.page_status != "ready" or not isinstance(op, dict):
            return None
        try:
            user = await self._require_user()
        except PermissionError:
            return self._after_failure()
        kind = op.get("op")
        if kind == "select":
            node_id = op.get("node") if isinstance(op.get("node"), str) else ""
            async with session_scope() as session:
                await self._panel_for(node_id or "", session, await session.merge(user))
            return None
        result = self._apply(op)
        if result.refusal and kind in ("add_nodes", "delete", "replace", "move"):
            # The canvas already drew it: show it the server's copy again.
            self._show(self._working())
            return None
        self._send(result.echo)
        if result.changed and kind != "move":
            self._revalidate()
            if self.panel.node_id:
                async with session_scope() as session:
                    await self._panel_for(self.panel.node_id, session, await session.merge(user))
        return None

    def selected_inputs(self) -> dict[str, Any]:
        """The selected node's input values (empty when no node is selected), for helpers beside the
        side panel such as the MCP tool picker."""
        node = self._node(self.panel.node_id) if self.panel.node_id else None
        return dict((node or {}).get("input_default") or {})

    async def set_input_and_redraw(self, name: str, value: Any) -> None:
        """Store ``value`` as the selected node's input ``name`` and redraw the side panel with it (a
        value chosen by a helper, not typed into the field the panel shows)."""
        await self._panel_op({"op": "set_input", "node": self.panel.node_id, "name": name, "value": value})
        if not self.panel_error:
            user = await self._require_user()
            async with session_scope() as session:
                await self._panel_for(self.panel.node_id, session, await session.merge(user))

    async def _panel_op(self, op: dict[str, Any]):
        try:
            await self._require_user()
        except PermissionError:
            return self._after_failure()
        if self.panel_error:
            self.panel_error = ""
        result = self._apply(op)
        if result.refusal:
            self.panel_error = result.refusal
            return None
        self._send(result.echo)
        if result.changed:
            self._revalidate()
        # The panel already shows what the person typed or chose: only its problems may change.
        self._show_panel_state()
        return None

    @rx.event
    async def set_node_input(self, name: str, text: Any):
        """A field of the side panel lost focus (or a choice changed): store its value on the node."""
        node = self._node(self.panel.node_id)
        field = next((f for f in self.panel.fields if f.name == name), None)
        if node is None or field is None:
            return None
        if isinstance(text, bool):
            text = "true" if text else "false"
        if str(text) == self.panel.texts.get(name, "") and name in (node.get("input_default") or {}):
            return None
        inputs, problems = inputs_from_form([field], {INPUT_PREFIX + name: text})
        if problems:
            self.panel_error = problems[name]
            return None
        value = inputs.get(name)
        if field.kind == "number" and isinstance(value, str):
            try:
                number = float(value.replace(",", ""))
                value = int(number) if number.is_integer() else number
            except ValueError:
                self.panel_error = f"'{field.title}' must be a number."
                return None
        return await self._panel_op({"op": "set_input", "node": self.panel.node_id, "name": name, "value": value})

    @rx.event
    async def set_node_ask_before(self, checked: bool):
        """The "Ask before running" switch of the selected node: the run pauses for approval before it runs."""
        if not self.panel.node_id or bool(checked) == self.panel.ask_before:
            return None
        op = {"op": "set_input", "node": self.panel.node_id, "name": NODE_ASK_INPUT, "value": True if checked else None}
        outcome = await self._panel_op(op)
        if not self.panel_error:
            self.panel = self.panel.model_copy(update={"ask_before": bool(checked)})
        return outcome

    @rx.event
    async def set_node_credential(self, field: str, credential_id: str):
        """A credential picked for the selected node (only the person's own credentials are offered or accepted)."""
        node = self._node(self.panel.node_id)
        need = _credential_fields(str(node.get("block_id", ""))).get(field) if node else None
        if need is None:
            return None

        async def pick(session: AsyncSession, user: User) -> dict[str, Any] | None:
            if not credential_id:
                return None
            cred = await credentials_service.get_credential(session, user, credential_id)
            if not fits(cred, {"provider": need.provider, "types": list(need.types)}):
                raise InvalidInput("That credential does not fit this step.")
            return {
                "id": cred.id,
                "provider": cred.provider,
                "type": str(getattr(cred.type, "value", cred.type)),
                "title": cred.title,
            }

        ref = await self._attempt(pick, error_field="panel_error")
        if ref is FAILED:
            return self._after_failure()
        return await self._panel_op(
            {"op": "set_credential", "node": self.panel.node_id, "field": field, "credential": ref}
        )

    @rx.event
    async def set_node_title(self, text: str):
        """Rename the selected node."""
        if text.strip() == self.panel.title:
            return None
        return await self._panel_op({"op": "set_meta", "node": self.panel.node_id, "title": text.strip()})

    @rx.event
    async def set_node_note(self, text: str):
        """Add or change the selected node's note."""
        if text.strip() == self.panel.note:
            return None
        return await self._panel_op({"op": "set_meta", "node": self.panel.node_id, "note": text.strip()})

    @rx.event
    async def set_name(self, text: str):
        """The agent's name."""
        if text.strip() == self.agent_name:
            return
        result = self._apply({"op": "set_info", "name": text.strip()})
        if not result.refusal:
            self.agent_name = text.strip()
            self._revalidate()

    @rx.event
    async def set_description(self, text: str):
        """The agent's description."""
        if text == self.agent_description:
            return
        result = self._apply({"op": "set_info", "description": text})
        if not result.refusal:
            self.agent_description = text

    @rx.event
    def focus_node(self, node_id: str):
        """Show a node a problem is about."""
        if node_id:
            self._send([{"op": "focus", "node": node_id}])

    @rx.event
    def close_panel(self):
        """Back to the agent's own settings."""
        self.panel = NodePanel()

    # --- saving -----------------------------------------------------------------------------------

    @rx.event
    async def save(self, form: dict[str, Any]):
        """Save the working copy as a new version (a new agent on its first save); an invalid one only as a draft."""
        if self.saving or self.page_status != "ready":
            return
        if self.problems:
            self.notice = "The agent has problems (listed on the right): fix them to save a version, or save a draft."
            return
        note = str(form.get("note") or "").strip()
        self.saving = True
        yield
        new_agent = not self.graph_id

        async def save(session: AsyncSession, user: User) -> Any:
            spec = graphs.parse_spec(self._working())
            if new_agent:
                saved = await library.create_agent(session, user, self._working(), note=note)
            else:
                saved = await graphs.add_version(session, user, self.graph_id, spec, note=note)
            await graphs.discard_draft(session, user, self.graph_id or None)
            return saved

        try:
            saved = await self._attempt(save, error_field="notice")
        finally:
            self.saving = False
        if saved is FAILED:
            yield self._after_failure()
            return
        self.dirty = False
        self.draft_saved = ""
        self.version = saved.version
        if new_agent:
            yield rx.redirect(routes.builder(saved.id))
            return
        await self._attempt(self._load_versions, error_field="notice")
        yield rx.toast.success(f"Saved version {saved.version}.")

    @rx.event
    async def save_draft(self):
        """Keep the working copy as a draft (it cannot run); it opens again next time."""

        async def keep(session: AsyncSession, user: User) -> Any:
            return await graphs.save_draft(session, user, self.graph_id or None, self._working())

        saved = await self._attempt(keep, error_field="notice")
        if saved is FAILED:
            return self._after_failure()
        self.draft_saved = format_time(saved, self._zone())
        return rx.toast.info("Draft saved. It cannot run until it is valid and saved as a version.")

    @rx.event
    async def discard_draft(self):
        """Drop the draft and open the saved version again."""
        if (
            await self._attempt(
                lambda session, user: graphs.discard_draft(session, user, self.graph_id or None), error_field="notice"
            )
            is FAILED
        ):
            return self._after_failure()
        return BuilderState.load

    @rx.event
    async def restore(self, version: int):
        """Make an older version current again (as a new version) and show it; unsaved changes (and
        the draft that keeps them) are dropped only once the person has said so."""
        self._restoring = int(version)
        if self.dirty:
            return rx.call_script(
                "window.confirm('Restoring drops your unsaved changes. Restore version " + str(int(version)) + "?')",
                callback=BuilderState.restore_confirmed,
            )
        return await self._restore()

    @rx.event
    async def restore_confirmed(self, confirmed: Any):
        """The answer to "Restoring drops your unsaved changes"."""
        if confirmed is True:
            return await self._restore()
        return None

    async def _restore(self):
        version = self._restoring

        async def restore(session: AsyncSession, user: User) -> Any:
            restored = await graphs.restore_version(session, user, self.graph_id, version)
            await graphs.discard_draft(session, user, self.graph_id)
            return restored

        restored = await self._attempt(restore, error_field="notice")
        if restored is FAILED:
            return self._after_failure()
        return [BuilderState.load, rx.toast.success(f"Version {version} restored as version {restored.version}.")]

    # --- running ----------------------------------------------------------------------------------

    @rx.event
    async def open_run(self):
        """The inputs dialog of the saved version (unsaved changes must be saved first)."""
        self.run_error, self.run_errors = "", {}
        if not self.graph_id or self.dirty:
            self.notice = "Save the agent first: a run uses its saved version."
            return None

        async def read(session: AsyncSession, user: User) -> None:
            found = await graphs.get_graph(session, user, self.graph_id)
            self.run_fields = fields_from_schema(found.input_schema)
            self.run_values = values_from_inputs(self.run_fields, {})
            mine = await credentials_service.list_credentials(session, user)
            self.run_needs = credential_needs(found.credentials_input_schema, mine)

        if await self._attempt(read, error_field="notice") is FAILED:
            return self._after_failure()
        self.run_open = True
        return None

    @rx.event
    def set_run_open(self, value: bool):
        """Open or close the inputs dialog."""
        self.run_open = value

    @rx.event
    async def run(self, form: dict[str, Any]):
        """Start a run of the saved version; the canvas then shows each node's state live."""
        inputs, problems = inputs_from_form(self.run_fields, form)
        if problems:
            self.run_errors = problems
            self.run_error = "Please correct the marked inputs."
            return None
        chosen = credentials_from_form(self.run_needs, form)
        details: list[dict[str, Any]] = []

        async def start(session: AsyncSession, user: User) -> Any:
            try:
                return await executions.add_graph_execution(
                    session, user, self.graph_id, version=self.version, inputs=inputs, credentials=chosen
                )
            except InvalidInput as exc:
                details.extend(d for d in exc.details if isinstance(d, dict))
                raise

        started = await self._attempt(start, error_field="run_error")
        if started is FAILED:
            self.run_errors = field_messages(details)
            return self._after_failure()
        self.run_open = False
        self.run_id, self.run_status = started.id, started.status
        self.node_states, self._results = {}, {}
        self._follow_id = new_follow_id()
        return BuilderState.follow_run

    @rx.event(background=True)
    async def follow_run(self):
        """Show each node's state on the canvas while the run goes, until it ends."""
        async with self:
            follow_id, execution_id, token = self._follow_id, self.run_id, self.token
        if not follow_id or not execution_id:
            return

        async def read(_wanted: Any) -> tuple[str, dict[str, dict[str, str]]] | None:
            try:
                async with session_scope(reading=True) as session:
                    user = await auth_service.user_from_token(session, token)
                    run = await executions.get_execution(session, user, execution_id, with_nodes=False)
                    page = await executions.list_node_executions(
                        session, user, execution_id, limit=get_settings().max_node_runs
                    )
            except ServiceError:
                return None
            latest: dict[str, dict[str, str]] = {}
            for node in page.items:  # in the order they started: the last one of a node wins
                latest[node.node_id] = {
                    "status": node.status,
                    "label": wording.status_label(node.status),
                    # A failed step's "error" pin says what ``error`` says: shown once.
                    "outputs": preview_pins([o for o in node.outputs if not (node.error and o and o[0] == "error")]),
                    "error": node.error or "",
                    "notes": " ".join(node.notes),
                }
            return run.status, latest

        async def show(found: tuple[str, dict[str, dict[str, str]]]) -> bool:
            status, latest = found
            self.run_status = status
            self._results = latest
            states = {k: {"status": v["status"], "label": v["label"]} for k, v in latest.items()}
            if states != self.node_states:
                self.node_states = states
            self._show_panel_state()
            return status not in FINAL_STATUSES

        await follow_into_state(
            self,
            id_field="_follow_id",
            follow_id=follow_id,
            channel=execution_channel(execution_id),
            wanted=lambda: None,
            read=read,
            show=show,
            max_seconds=MAX_FOLLOW_SECONDS,
            fallback_interval=3.0,
            min_interval=0.2,
        )

    @rx.event
    async def stop_run(self):
        """Stop the run started here."""
        if not self.run_id:
            return None
        if (
            await self._attempt(
                lambda session, user: executions.stop_execution(session, user, self.run_id), error_field="notice"
            )
            is FAILED
        ):
            return self._after_failure()
        return None
