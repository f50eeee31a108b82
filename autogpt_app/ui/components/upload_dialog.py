"""The "Upload agent" dialog: drop or pick a JSON/YAML file, see it checked and described, import it.

The file's bytes stay on the server in a backend-only attribute (``_pending_upload``: the leading
underscore keeps it out of what is sent to the browser) from the preview until Import or Cancel;
the page state holds only the small description the preview shows.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import BaseModel
from reflex.vars import ArrayVar, ObjectVar, Var

from autogpt_app.db import session_scope
from autogpt_app.errors import ServiceError
from autogpt_app.library import service
from autogpt_app.library.uploads import JSON_EXTENSIONS, MAX_UPLOAD_BYTES, YAML_EXTENSIONS
from autogpt_app.ui import routes
from autogpt_app.ui.components.forms import error_callout
from autogpt_app.ui.components.image_upload import name_file_input
from autogpt_app.ui.components.words import count_text
from autogpt_app.ui.states.auth import FAILED, AuthState
from autogpt_app.ui.states.library import LibraryState

UPLOAD_ID = "agent-upload"
#: At most this many problems are listed under an error (the message already sums them up).
MAX_PROBLEMS = 20
ACCEPT = {
    "application/json": list(JSON_EXTENSIONS),
    "application/yaml": list(YAML_EXTENSIONS),
    "application/x-yaml": list(YAML_EXTENSIONS),
    "text/yaml": list(YAML_EXTENSIONS),
    "text/x-yaml": list(YAML_EXTENSIONS),
}
TOO_LARGE = f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Nothing was imported."
WRONG_KIND = "Upload an agent as a .json, .yaml or .yml file."


class InputRow(BaseModel):
    """One input the agent asks for."""

    name: str
    kind: str
    required: bool
    default: str


class UploadPreview(BaseModel):
    """What the dialog shows about a checked file before it is imported."""

    filename: str
    name: str
    description: str
    inputs: list[InputRow]
    credentials: list[str]
    blocks: list[str]
    node_count: int
    #: One short line naming the file's values no block here uses ("" when there are none).
    ignored: str = ""


def _kind(field: dict[str, Any]) -> str:
    kind = str(field.get("type") or "any")
    if field.get("enum"):
        return "choice"
    return {"date": "date", "long-text": "long text"}.get(str(field.get("format") or ""), kind)


def _preview(filename: str, described: dict[str, Any]) -> UploadPreview:
    inputs = described.get("input_schema") or {}
    required = set(inputs.get("required") or [])
    credentials = (described.get("credentials_input_schema") or {}).get("properties") or {}
    return UploadPreview(
        filename=filename,
        name=str(described.get("name") or ""),
        description=str(described.get("description") or ""),
        inputs=[
            InputRow(
                name=str(field.get("title") or name),
                kind=_kind(field),
                required=name in required,
                default="" if field.get("default") is None else str(field["default"])[:80],
            )
            for name, field in (inputs.get("properties") or {}).items()
        ],
        credentials=[
            f"{c.get('provider')} ({', '.join(c.get('types') or [])})" + ("" if c.get("required") else " — optional")
            for c in credentials.values()
        ],
        blocks=[str(b) for b in described.get("blocks") or []],
        node_count=int(described.get("node_count") or 0),
        ignored=ignored_line(described.get("ignored_fields") or []),
    )


#: At most this many ignored fields are named; the rest are counted.
MAX_IGNORED_NAMED = 4


def ignored_line(fields: list[dict[str, Any]]) -> str:
    """The preview's one line about values no block here uses, grouped by field, e.g.
    "Ignored here: 'placeholder_values' (Short text input, Long text input), 'ollama_host' (AI text generator)."
    """
    groups: dict[str, list[str]] = {}
    for entry in fields:
        blocks = groups.setdefault(str(entry.get("field", "")), [])
        if (block := str(entry.get("block", ""))) not in blocks:
            blocks.append(block)
    if not groups:
        return ""
    named = [f"'{field}' ({', '.join(blocks)})" for field, blocks in list(groups.items())[:MAX_IGNORED_NAMED]]
    more = len(groups) - MAX_IGNORED_NAMED
    tail = f" and {more} more" if more > 0 else ""
    return f"Ignored here: {', '.join(named)}{tail}."


def _problems(exc: ServiceError) -> list[str]:
    """The error's details as lines a person can read (e.g. each unsupported block)."""
    lines = []
    for detail in exc.details[:MAX_PROBLEMS]:
        if exc.code == "unsupported_blocks":
            reason = f" — {detail['reason']}" if detail.get("reason") else ""
            lines.append(f"{detail.get('name', 'unknown block')} ({detail.get('block_id', '')}){reason}")
        elif exc.code == "unresolved_subagent":
            lines.append(f"Step {detail.get('node_id', '')}: sub-agent '{detail.get('agent_name', '')}' not found")
        elif detail.get("message"):
            where = detail.get("node_id") or detail.get("loc") or ""
            lines.append(f"{where}: {detail['message']}" if where else str(detail["message"]))
        else:
            lines.append(", ".join(f"{k}: {v}" for k, v in detail.items()))
    return lines


class UploadState(AuthState):
    """The dialog. The file itself is kept server-side only, between the preview and the import."""

    upload_open: bool = False
    checking: bool = False
    importing: bool = False
    upload_error: str = ""
    upload_problems: list[str] = []
    unsupported: bool = False
    preview: UploadPreview | None = None
    _pending_upload: bytes = b""
    _pending_name: str = ""

    @rx.var
    def has_preview(self) -> bool:
        """Whether a checked file waits for Import."""
        return self.preview is not None

    def _forget(self) -> None:
        self._pending_upload = b""
        self._pending_name = ""
        self.preview = None
        self.upload_error = ""
        self.upload_problems = []
        self.unsupported = False
        self.checking = self.importing = False

    def _refuse(self, exc: ServiceError) -> None:
        self._forget()
        self.upload_error = exc.message
        self.upload_problems = _problems(exc)
        self.unsupported = exc.code == "unsupported_blocks"

    @rx.event
    def reset_dialog(self):
        """``on_load``: a closed dialog, and no file kept from an earlier visit."""
        self._forget()
        self.upload_open = False

    @rx.event
    def set_upload_open(self, is_open: bool):
        """Open the dialog, or close it and forget the file."""
        self._forget()
        self.upload_open = bool(is_open)

    @rx.event
    async def check_file(self, files: list[rx.UploadFile]):
        """Read the dropped or picked file, check it as an import would, and describe it (saving nothing)."""
        if not files:  # the drop zone refused the file: ``reject_files`` says why
            return
        self._forget()
        user = await self._resolve_user()
        if user is None:
            yield self._login_redirect()
            return
        upload = files[0]
        name = upload.name or upload.filename or ""
        self.checking = True
        yield
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            # Parsing a 5 MB file is CPU work: the service keeps it off the event loop every user shares.
            async with session_scope() as session:
                described = await service.preview_upload_for(session, user, data, name)
        except ServiceError as exc:
            self._refuse(exc)
            return
        self._pending_upload, self._pending_name = data, name
        self.preview = _preview(name, described)
        self.checking = False

    @rx.event
    def reject_files(self, codes: list[str]):
        """The drop zone refused the file before sending it (too large, wrong kind, several files).

        ``codes`` are react-dropzone's error codes only: the refused file itself never travels.
        """
        self._forget()
        found = {code for joined in codes for code in str(joined).split(",")}
        if "file-too-large" in found:
            self.upload_error = TOO_LARGE
        elif "too-many-files" in found:
            self.upload_error = "Upload one agent file at a time."
        else:
            self.upload_error = WRONG_KIND

    @rx.event
    async def import_agent(self):
        """Create the agent from the checked file and add it to the library: all or nothing."""
        if not self._pending_upload:
            self.upload_error = "Choose a file first."
            return
        data, name = self._pending_upload, self._pending_name
        self.upload_error = ""
        self.importing = True
        yield
        agent = await self._attempt(lambda s, u: service.upload(s, u, data, name), error_field="upload_error")
        if agent is FAILED:
            self.importing = False
            if self.user_id:  # refused: show why, and keep nothing
                message = self.upload_error
                self._forget()
                self.upload_error = message
                return
            yield self._after_failure()
            return
        self._forget()
        self.upload_open = False
        yield LibraryState.refresh
        yield rx.toast.success(f"“{agent.name}” is in your library.")


def _rejection_codes(rejected: ArrayVar) -> rx.EventSpec:
    """Send only the refusal codes, one comma-separated string per file: the refused file itself
    would travel over the WebSocket (say 50 MB), which drops the connection instead of saying why."""

    def codes(record: Var) -> Var:
        errors = record.to(ObjectVar, dict[str, Any])["errors"].to(ArrayVar, list[dict[str, Any]])
        return errors.map(lambda error: error.to(ObjectVar, dict[str, Any])["code"]).join(",")

    return UploadState.reject_files(rejected.to(ArrayVar, list[dict[str, Any]]).map(codes))


def _dropzone() -> rx.Component:
    zone = rx.upload.root(
        rx.vstack(
            rx.icon("upload", size=28, color=rx.color("violet", 9)),
            rx.text("Drag an agent file here, or click to choose one", weight="medium", align="center"),
            rx.text(".json, .yaml or .yml · at most 5 MB", size="1", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        accept=ACCEPT,
        multiple=False,
        max_files=1,
        max_size=MAX_UPLOAD_BYTES,
        on_drop=UploadState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
        on_drop_rejected=_rejection_codes,
        border=f"2px dashed {rx.color('gray', 7)}",
        border_radius="12px",
        padding="2rem 1rem",
        width="100%",
        cursor="pointer",
        background=rx.color("gray", 2),
        drag_active_style={"border_color": rx.color("violet", 9), "background": rx.color("violet", 3)},
        data_testid="upload-dropzone",
    )
    name_file_input(zone, "Choose an agent file")
    return zone


def _labelled(label: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="bold"), *children, spacing="1", width="100%")


def _input_row(row: InputRow) -> rx.Component:
    return rx.hstack(
        rx.text(row.name, size="2", weight="medium"),
        rx.badge(row.kind, variant="soft", color_scheme="gray"),
        rx.cond(row.required, rx.badge("required", color_scheme="amber", variant="soft"), rx.fragment()),
        rx.cond(row.default != "", rx.text("default: ", row.default, size="1", color_scheme="gray"), rx.fragment()),
        spacing="2",
        align="center",
        wrap="wrap",
        data_testid="preview-input",
    )


def _none(text: str) -> rx.Component:
    return rx.text(text, size="2", color_scheme="gray")


def _preview_card() -> rx.Component:
    preview = UploadState.preview
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("file-check", size=18, color=rx.color("green", 9)),
                rx.heading(preview.name, size="4", data_testid="preview-name"),
                align="center",
            ),
            rx.text(preview.filename, size="1", color_scheme="gray"),
            rx.cond(
                preview.description != "",
                rx.text(preview.description, size="2", data_testid="preview-description"),
                _none("No description."),
            ),
            _labelled(
                "Inputs",
                rx.cond(
                    preview.inputs.length() > 0,
                    rx.vstack(rx.foreach(preview.inputs, _input_row), spacing="1"),
                    _none("None: it runs without inputs."),
                ),
            ),
            _labelled(
                "Credentials needed",
                rx.cond(
                    preview.credentials.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            preview.credentials, lambda c: rx.text(c, size="2", data_testid="preview-credential")
                        ),
                        rx.link("Manage credentials", href=routes.CREDENTIALS, size="1"),
                        spacing="1",
                    ),
                    _none("None."),
                ),
            ),
            _labelled(
                "Blocks used",
                rx.flex(
                    rx.foreach(
                        preview.blocks,
                        lambda b: rx.badge(b, variant="surface", data_testid="preview-block"),
                    ),
                    wrap="wrap",
                    gap="0.4rem",
                ),
                rx.text(count_text(preview.node_count, "node"), " in all", size="1", color_scheme="gray"),
            ),
            rx.cond(
                preview.ignored != "",
                rx.text(preview.ignored, size="1", color_scheme="gray", data_testid="preview-ignored"),
                rx.fragment(),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="upload-preview",
    )


def _problems_list() -> rx.Component:
    return rx.cond(
        UploadState.upload_problems.length() > 0,
        rx.vstack(
            rx.text(
                rx.cond(UploadState.unsupported, "Unsupported blocks:", "Problems found:"),
                size="2",
                weight="bold",
            ),
            rx.foreach(
                UploadState.upload_problems,
                lambda p: rx.text("• ", p, size="2", color_scheme="red", data_testid="upload-problem"),
            ),
            spacing="1",
            width="100%",
        ),
        rx.fragment(),
    )


def upload_dialog() -> rx.Component:
    """The "Upload agent" button and its dialog."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("upload", size=16), "Upload agent", data_testid="upload-agent"),
        ),
        rx.dialog.content(
            rx.dialog.title("Upload an agent"),
            rx.dialog.description(
                "An agent file exported from here or from AutoGPT. It is checked before anything is saved.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                _dropzone(),
                rx.cond(
                    UploadState.checking,
                    rx.hstack(rx.spinner(), rx.text("Checking the file…", size="2"), align="center"),
                    rx.fragment(),
                ),
                rx.box(error_callout(UploadState.upload_error), width="100%", data_testid="upload-error"),
                _problems_list(),
                rx.cond(UploadState.has_preview, _preview_card(), rx.fragment()),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Import",
                        on_click=UploadState.import_agent,
                        disabled=~UploadState.has_preview | UploadState.importing,
                        loading=UploadState.importing,
                        data_testid="upload-import",
                    ),
                    spacing="3",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="1rem",
            ),
            max_width="36rem",
            max_height="90vh",
            overflow_y="auto",
        ),
        open=UploadState.upload_open,
        on_open_change=UploadState.set_upload_open,
    )
