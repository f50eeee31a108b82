"""Google Sheets blocks: read a range, write a range, append rows.

They call Sheets API v4 (``GOOGLE_SHEETS_API_URL``, by default ``https://sheets.googleapis.com/v4``:
``spreadsheets.values.get``, ``.update`` and ``.append``) with the person's ``google`` ``oauth2``
credential through :mod:`._google_api` (token renewal, the guarded client, readable errors). Reading
needs a refresh token with the ``spreadsheets.readonly`` scope, writing with ``spreadsheets``.

They keep AutoGPT's ids and pins (``GoogleSheetsReadBlock``, ``GoogleSheetsWriteBlock``,
``GoogleSheetsAppendRowBlock``, which older exports call ``GoogleSheetsAppendBlock``). The
spreadsheet comes as AutoGPT's Drive file object (``{"id", "name", "mimeType", …}``, what the
blocks also output for chaining), as an id or as the sheet's address; older exports' ``spreadsheet_id``
pin is understood too. The append block takes AutoGPT's current single ``row`` or its older
``values`` (rows) or ``dict_values`` with ``headers``.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from autogpt_app.blocks.builtin._google_api import (
    NO_CREDENTIAL,
    call_google,
    google_requirement,
    oauth_client,
)
from autogpt_app.blocks.builtin._messaging_helpers import ServiceProblem
from autogpt_app.blocks.builtin.io import ADVANCED
from autogpt_app.blocks.sdk import (
    Block,
    BlockCategory,
    BlockError,
    BlockExample,
    BlockInput,
    BlockOutput,
    CredentialsRef,
    RunContext,
)
from autogpt_app.settings import get_settings

log = logging.getLogger(__name__)

SERVICE = "Google Sheets"
SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
MAX_RANGE = 500
#: Cells one write or append may send (Google's request limit is far larger; agents rarely need more).
MAX_CELLS = 100_000
_ID = re.compile(r"[A-Za-z0-9_-]{10,200}")
_FROM_ADDRESS = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OAUTH_EXAMPLE = {"provider": "google", "type": "oauth2"}
_SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

NO_SPREADSHEET = "Choose a spreadsheet: its id or its address (https://docs.google.com/spreadsheets/d/…)."


class DriveFile(BaseModel):
    """A Google Drive file as AutoGPT's file picker and Sheets blocks pass it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(description="The file's id")
    name: str | None = Field(default=None, description="The file's name")
    mimeType: str | None = Field(default=None, description="The file's type")
    url: str | None = Field(default=None, description="Where to open it")


def spreadsheet_id(spreadsheet: DriveFile | str | None, legacy: str = "") -> str:
    """The spreadsheet's id from a Drive file, an id or an address (``legacy``: an older export's pin).

    Raises:
        ServiceProblem: nothing usable was given, or the file is not a Google Sheets spreadsheet.
    """
    if isinstance(spreadsheet, DriveFile):
        if spreadsheet.mimeType and spreadsheet.mimeType != SHEETS_MIME:
            name = spreadsheet.name or spreadsheet.id
            raise ServiceProblem(
                f"'{name}' is not a Google Sheets spreadsheet ({spreadsheet.mimeType}); convert it to Google Sheets "
                "first, or use a CSV or Excel block."
            )
        text = spreadsheet.id
    else:
        text = (spreadsheet or "").strip() or legacy.strip()
    found = _FROM_ADDRESS.search(text)
    candidate = found.group(1) if found else text.strip()
    if not _ID.fullmatch(candidate):
        raise ServiceProblem(NO_SPREADSHEET if not candidate else f"'{candidate[:80]}' is not a spreadsheet id.")
    return candidate


def sheet_file(file_id: str, given: DriveFile | str | None) -> dict[str, Any]:
    """AutoGPT's Drive file object of the spreadsheet, for the next block."""
    name = given.name if isinstance(given, DriveFile) else None
    return {
        "id": file_id,
        "name": name,
        "mimeType": SHEETS_MIME,
        "url": f"https://docs.google.com/spreadsheets/d/{file_id}/edit",
        "iconUrl": "https://www.gstatic.com/images/branding/product/1x/sheets_48dp.png",
        "isFolder": False,
    }


def quoted_sheet(name: str) -> str:
    """A sheet name as A1 notation wants it: as is when plain, else in single quotes ('' for ')."""
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == "'":
        return name
    if _PLAIN_SHEET.fullmatch(name) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def a1_range(text: str, default_cells: str = "A:Z") -> str:
    """``text`` as an A1 range: the sheet name quoted when it needs it, its cells ``default_cells``
    when only a sheet is named, ``default_cells`` of the first sheet when empty."""
    text = text.strip()
    if not text:
        return default_cells
    if text.startswith("'") and "'!" in text[1:]:  # a quoted name may itself hold a "!"
        end = text.index("'!", 1)
        sheet, cells = text[: end + 1], text[end + 2 :]
    elif "!" in text:
        sheet, cells = text.split("!", 1)
    else:
        return text
    return f"{quoted_sheet(sheet.strip().strip(chr(34)))}!{cells.strip() or default_cells}"


def _values_url(file_id: str, cells: str, suffix: str = "") -> str:
    base = get_settings().google_sheets_api_url.rstrip("/")
    return f"{base}/spreadsheets/{file_id}/values/{quote(cells, safe='')}{suffix}"


def _cells(rows: list[list[Any]]) -> list[list[Any]]:
    """``rows`` checked against :data:`MAX_CELLS`; ``None`` cells become empty."""
    if sum(len(row) for row in rows) > MAX_CELLS:
        raise ServiceProblem(f"That is more than {MAX_CELLS} cells for one request; split the data.")
    return [["" if cell is None else cell for cell in row] for row in rows]


def _updates(answer: Any) -> dict[str, Any]:
    """What a write changed, from Google's answer (``updates`` for an append, the answer itself else)."""
    answer = answer if isinstance(answer, dict) else {}
    changed = answer.get("updates") if isinstance(answer.get("updates"), dict) else answer
    keys = ("spreadsheetId", "updatedRange", "updatedRows", "updatedColumns", "updatedCells")
    return {key: changed[key] for key in keys if key in changed}


class _SheetInput(BlockInput):
    credentials: CredentialsRef | None = Field(default=None, description="The Google account that can open it")
    spreadsheet: DriveFile | str | None = Field(
        default=None,
        description="The spreadsheet: its id, its address, or the spreadsheet output of another Sheets block",
    )
    spreadsheet_id: str = Field(
        default="",
        max_length=1000,
        description="The spreadsheet's id or address (older agents' pin)",
        json_schema_extra=ADVANCED,
    )


_SPREADSHEET_OUT = Field(description="The spreadsheet (id, name, mimeType, url), for the next Sheets block")


class GoogleSheetsReadBlock(Block):
    """Reads a range of cells of a Google Sheets spreadsheet."""

    id = "5724e902-3635-47e9-a108-aaa0263a4988"
    name = "Read Google Sheet"
    autogpt_name = "GoogleSheetsReadBlock"
    description = (
        "Reads the cells of a range of a Google Sheets spreadsheet (A1 notation, e.g. Sheet1!A1:D20) as rows of "
        "text, as the sheet shows them."
    )
    categories = (BlockCategory.WEB, BlockCategory.DATA)
    credentials = (google_requirement("spreadsheets.readonly"),)

    class Input(_SheetInput):
        range: str = Field(
            default="",
            max_length=MAX_RANGE,
            description="Which cells, e.g. Sheet1!A1:D20, A:C or a sheet's name (empty: the first sheet's A:Z)",
        )

    class Output(BlockOutput):
        result: list[list[str]] = Field(description="The rows read, each a list of cell texts")
        spreadsheet: dict[str, Any] = _SPREADSHEET_OUT

    examples = (
        BlockExample(
            input={"spreadsheet": _SHEET_ID, "range": "A1:B2"},
            output=[("error", NO_CREDENTIAL)],
            description="the Google account is required",
        ),
        BlockExample(
            input={"range": "A1:B2"}, output=[("error", NO_SPREADSHEET)], secrets={"credentials": _OAUTH_EXAMPLE}
        ),
        BlockExample(
            input={"spreadsheet": {"id": "abcdefghijkl", "name": "Leads.csv", "mimeType": "text/csv"}},
            output=[
                (
                    "error",
                    "'Leads.csv' is not a Google Sheets spreadsheet (text/csv); convert it to Google Sheets first, "
                    "or use a CSV or Excel block.",
                )
            ],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            file_id = spreadsheet_id(input.spreadsheet, input.spreadsheet_id)
            client = oauth_client(context)
            url = _values_url(file_id, a1_range(input.range))
            answer = await call_google(context, client, SERVICE, "GET", url, scope="spreadsheets.readonly")
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        rows = answer.get("values") if isinstance(answer, dict) else None
        result = [[str(cell) for cell in row] for row in rows or [] if isinstance(row, list)]
        log.info("read %d row(s) of a spreadsheet", len(result))
        yield "result", result
        yield "spreadsheet", sheet_file(file_id, input.spreadsheet)


class GoogleSheetsWriteBlock(Block):
    """Writes rows into a range of a Google Sheets spreadsheet."""

    id = "d9291e87-301d-47a8-91fe-907fb55460e5"
    name = "Write Google Sheet"
    autogpt_name = "GoogleSheetsWriteBlock"
    description = (
        "Writes rows of values into a range of a Google Sheets spreadsheet (A1 notation, e.g. Sheet1!A1), "
        "replacing what the cells held; values are read as if typed (=SUM(A1:A3) becomes a formula)."
    )
    categories = (BlockCategory.WEB, BlockCategory.DATA)
    credentials = (google_requirement("spreadsheets"),)

    class Input(_SheetInput):
        range: str = Field(
            min_length=1, max_length=MAX_RANGE, description="Where to write, e.g. Sheet1!A1 or Sheet1!A1:C10"
        )
        values: list[list[Any]] = Field(description="The rows to write, each a list of cell values")

    class Output(BlockOutput):
        result: dict[str, Any] = Field(
            description="What changed: spreadsheetId, updatedRange, updatedRows, updatedColumns, updatedCells"
        )
        spreadsheet: dict[str, Any] = _SPREADSHEET_OUT

    examples = (
        BlockExample(
            input={"spreadsheet": _SHEET_ID, "range": "Sheet1!A1", "values": [["Name", "Score"]]},
            output=[("error", NO_CREDENTIAL)],
        ),
        BlockExample(
            input={"spreadsheet": _SHEET_ID, "range": "Sheet1!A1", "values": []},
            output=[("error", "There is nothing to write: give at least one row.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            file_id = spreadsheet_id(input.spreadsheet, input.spreadsheet_id)
            if not input.values:
                raise ServiceProblem("There is nothing to write: give at least one row.")
            cells = a1_range(input.range, "A1")
            body = {"range": cells, "majorDimension": "ROWS", "values": _cells(input.values)}
            client = oauth_client(context)
            answer = await call_google(
                context,
                client,
                SERVICE,
                "PUT",
                _values_url(file_id, cells),
                scope="spreadsheets",
                params={"valueInputOption": "USER_ENTERED"},
                json=body,
            )
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        result = _updates(answer)
        log.info("wrote %s cell(s) of a spreadsheet", result.get("updatedCells", 0))
        yield "result", result
        yield "spreadsheet", sheet_file(file_id, input.spreadsheet)


def rows_to_append(
    row: list[Any], values: list[list[Any]], dict_values: list[dict[str, Any]], headers: list[str]
) -> list[list[Any]]:
    """The rows an append sends: ``row``, ``values``, or ``dict_values`` ordered by ``headers``.

    Raises:
        ServiceProblem: none or several of them were given, or dictionaries came without headers.
    """
    given = [name for name, value in (("row", row), ("values", values), ("dict_values", dict_values)) if value]
    if not given:
        raise ServiceProblem("There is nothing to append: give a row.")
    if len(given) > 1:
        raise ServiceProblem(f"Give only one of {' and '.join(given)}.")
    if row:
        return [row]
    if values:
        return values
    if not headers:
        raise ServiceProblem("Rows given as dictionaries need headers: the keys, in column order.")
    return [["" if d.get(h) is None else d.get(h) for h in headers] for d in dict_values]


class GoogleSheetsAppendRowBlock(Block):
    """Adds rows after the last filled row of a sheet."""

    id = "531d50c0-d6b9-4cf9-a013-7bf783d313c7"
    name = "Append to Google Sheet"
    autogpt_name = "GoogleSheetsAppendRowBlock"
    description = (
        "Adds a row (or several) below the last filled row of a sheet of a Google Sheets spreadsheet, without "
        "touching what is there; values are read as if typed unless you choose RAW."
    )
    categories = (BlockCategory.WEB, BlockCategory.DATA)
    credentials = (google_requirement("spreadsheets"),)

    class Input(_SheetInput):
        row: list[Any] = Field(default_factory=list, description="The row to add, one value per column")
        sheet_name: str = Field(default="", max_length=200, description="Which sheet (empty: the first one)")
        values: list[list[Any]] = Field(
            default_factory=list, description="Several rows to add (instead of row)", json_schema_extra=ADVANCED
        )
        dict_values: list[dict[str, Any]] = Field(
            default_factory=list,
            description="Rows to add as dictionaries, put in columns by headers (instead of row)",
            json_schema_extra=ADVANCED,
        )
        headers: list[str] = Field(
            default_factory=list, description="The dictionaries' keys in column order", json_schema_extra=ADVANCED
        )
        range: str = Field(
            default="",
            max_length=MAX_RANGE,
            description="Columns to add within, e.g. A:C (empty: from column A, as wide as the row)",
            json_schema_extra=ADVANCED,
        )
        value_input_option: Literal["USER_ENTERED", "RAW"] = Field(
            default="USER_ENTERED",
            description="USER_ENTERED: read as if typed (formulas, dates); RAW: kept as given",
            json_schema_extra=ADVANCED,
        )
        insert_data_option: Literal["INSERT_ROWS", "OVERWRITE"] = Field(
            default="INSERT_ROWS",
            description="INSERT_ROWS: insert new rows; OVERWRITE: fill the empty rows below the data",
            json_schema_extra=ADVANCED,
        )

    class Output(BlockOutput):
        result: dict[str, Any] = Field(
            description="What changed: updatedRange, updatedRows, updatedColumns, updatedCells"
        )
        spreadsheet: dict[str, Any] = _SPREADSHEET_OUT

    examples = (
        BlockExample(input={"spreadsheet": _SHEET_ID, "row": ["Ada", "95"]}, output=[("error", NO_CREDENTIAL)]),
        BlockExample(
            input={"spreadsheet": _SHEET_ID},
            output=[("error", "There is nothing to append: give a row.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
        BlockExample(
            input={"spreadsheet": _SHEET_ID, "dict_values": [{"name": "Ada"}]},
            output=[("error", "Rows given as dictionaries need headers: the keys, in column order.")],
            secrets={"credentials": _OAUTH_EXAMPLE},
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            file_id = spreadsheet_id(input.spreadsheet, input.spreadsheet_id)
            rows = _cells(rows_to_append(input.row, input.values, input.dict_values, input.headers))
            columns = input.range.strip() or "A1"
            cells = f"{quoted_sheet(input.sheet_name)}!{columns}" if input.sheet_name.strip() else columns
            client = oauth_client(context)
            answer = await call_google(
                context,
                client,
                SERVICE,
                "POST",
                _values_url(file_id, cells, ":append"),
                scope="spreadsheets",
                params={"valueInputOption": input.value_input_option, "insertDataOption": input.insert_data_option},
                json={"majorDimension": "ROWS", "values": rows},
            )
        except (ServiceProblem, BlockError) as exc:
            yield "error", str(exc)
            return
        result = _updates(answer)
        result.pop("spreadsheetId", None)
        log.info("appended %s row(s) to a spreadsheet", result.get("updatedRows", 0))
        yield "result", result
        yield "spreadsheet", sheet_file(file_id, input.spreadsheet)
