"""CSV blocks: read CSV text into rows, and statistics of a numeric column.

Everything runs locally; big inputs are parsed in a worker thread, and every limit is checked
before the work starts.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._document_helpers import offload
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

MAX_CSV_CHARS = 1_000_000
MAX_CSV_ROWS = 100_000


class DocumentError(ValueError):
    """Bad document data given by the person; the message is shown as is."""


_DELIMITER_NAMES = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}


def _delimiter(text: str) -> str:
    value = _DELIMITER_NAMES.get(text.lower(), text) if len(text) != 1 else text
    if len(value) != 1 or value in '\r\n"':
        raise DocumentError(
            f"The delimiter must be a single character such as ',', ';', '|' or a tab ('\\t'), not {text!r}."
        )
    return value


def _unique_names(names: list[str]) -> list[str]:
    result: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(names):
        name = raw.strip() or f"column_{index + 1}"
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def parse_csv(text: str, delimiter: str = ",", has_header: bool = True) -> tuple[list[Any], list[str]]:
    """Rows (dicts by column name, or lists without a header) and column names of CSV text.

    Raises:
        DocumentError: too big, a bad delimiter, or text that is not CSV.
    """
    if len(text) > MAX_CSV_CHARS:
        raise DocumentError(f"The CSV text is too long ({len(text):,} characters; the limit is {MAX_CSV_CHARS:,}).")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=_delimiter(delimiter))
    columns: list[str] | None = None
    rows: list[Any] = []
    width = 0
    try:
        for record in reader:
            if not record:
                continue  # blank line
            if has_header and columns is None:
                columns = _unique_names(record)
                continue
            if len(rows) >= MAX_CSV_ROWS:
                raise DocumentError(f"The CSV has more than {MAX_CSV_ROWS:,} rows; split it into smaller parts.")
            if has_header:
                assert columns is not None
                while len(record) > len(columns):  # cells beyond the header get a name of their own
                    columns.extend(_unique_names([*columns, ""])[len(columns) :])
                rows.append({name: record[i] if i < len(record) else "" for i, name in enumerate(columns)})
            else:
                width = max(width, len(record))
                rows.append(record)
    except csv.Error as exc:
        raise DocumentError(f"The CSV text could not be read at line {reader.line_num}: {exc}.") from None
    if not has_header:
        columns = [f"column_{i + 1}" for i in range(width)]
    return rows, columns or []


class CsvParseBlock(Block):
    """Reads CSV text into rows."""

    id = "9d574ccc-0a57-4095-b1e5-98f11feaa4da"
    name = "Read CSV"
    description = "Reads a table written as CSV text (comma-separated values) into rows you can work with."
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        csv_text: str = Field(description="The CSV text (at most 1,000,000 characters and 100,000 rows)")
        delimiter: str = Field(default=",", description="The character between cells: ',', ';', '|' or '\\t'")
        has_header: bool = Field(default=True, description="The first line holds the column names")

    class Output(BlockOutput):
        rows: list[dict[str, str] | list[str]] = Field(
            description="The rows: by column name with a header, as lists of cells without"
        )
        columns: list[str] = Field(description="The column names (column_1, column_2… without a header)")
        row_count: int = Field(description="How many rows were read (the header not counted)")

    examples = (
        BlockExample(
            input={"csv_text": 'name,age\nAda,36\n"Lovelace, A.",\n'},
            output=[
                ("rows", [{"name": "Ada", "age": "36"}, {"name": "Lovelace, A.", "age": ""}]),
                ("columns", ["name", "age"]),
                ("row_count", 2),
            ],
        ),
        BlockExample(
            input={"csv_text": "1;2;3\n4;5", "delimiter": ";", "has_header": False},
            output=[
                ("rows", [["1", "2", "3"], ["4", "5"]]),
                ("columns", ["column_1", "column_2", "column_3"]),
                ("row_count", 2),
            ],
        ),
        BlockExample(
            input={"csv_text": "a,b", "delimiter": ",,"},
            output=[
                (
                    "error",
                    "The delimiter must be a single character such as ',', ';', '|' or a tab ('\\t'), not ',,'.",
                )
            ],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            rows, columns = await offload(
                parse_csv, len(input.csv_text), input.csv_text, input.delimiter, input.has_header
            )
        except DocumentError as exc:
            yield "error", str(exc)
            return
        yield "rows", rows
        yield "columns", columns
        yield "row_count", len(rows)


def _number(cell: Any) -> float | None:
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    elif isinstance(cell, str):
        try:
            value = float(cell.strip().replace("\u2212", "-"))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _rows_columns(rows: list[Any]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            names.update(dict.fromkeys(str(k) for k in row))
        elif isinstance(row, list | tuple):
            names.update(dict.fromkeys(f"column_{i + 1}" for i in range(len(row))))
    return list(names)


def _cell(row: Any, column: str) -> Any:
    if isinstance(row, dict):
        return row.get(column)
    if isinstance(row, list | tuple) and re.fullmatch(r"column_\d{1,9}", column):
        index = int(column.removeprefix("column_")) - 1
        return row[index] if 0 <= index < len(row) else None
    return None


def column_statistics(rows: list[Any], column: str) -> dict[str, float | int]:
    """count, min, max, mean, median, stdev (sample), sum and skipped cells of a numeric column.

    Raises:
        DocumentError: unknown column, or no numbers in it.
    """
    columns = _rows_columns(rows)
    if column not in columns:
        wanted = column.strip().lower()
        match = next((c for c in columns if c.strip().lower() == wanted), None)
        if match is None:
            listed = ", ".join(repr(c) for c in columns[:50]) or "(none)"
            raise DocumentError(f"There is no column {column!r}. The columns are: {listed}.")
        column = match
    values: list[float] = []
    skipped = 0
    for row in rows:
        number = _number(_cell(row, column))
        if number is None:
            skipped += 1
        else:
            values.append(number)
    if not values:
        raise DocumentError(f"Column {column!r} has no numbers ({skipped} cells are blank or not numeric).")
    return {
        "count": len(values),
        "min": min(values),
        "max": max(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "stdev": statistics.stdev(values) if len(values) > 1 else 0.0,
        "sum": math.fsum(values),
        "skipped": skipped,
    }


class CsvColumnStatsBlock(Block):
    """Computes statistics of one numeric column of CSV text or of rows."""

    id = "9a713782-5d47-4ee9-bd2e-9443888f7a9a"
    name = "CSV column statistics"
    description = "Works out count, smallest, largest, average, median, spread and total of a column of numbers."
    categories = (BlockCategory.DATA, BlockCategory.MATH)

    class Input(BlockInput):
        csv_text: str = Field(default="", description="CSV text with a header line (or give rows instead)")
        rows: list[Any] | None = Field(default=None, description="Rows from 'Read CSV' (used instead of csv_text)")
        column: str = Field(description="Name of the column (column_1, column_2… for rows without a header)")
        delimiter: str = Field(default=",", description="The character between cells of csv_text")

    class Output(BlockOutput):
        count: int = Field(description="How many numbers the column holds")
        min: float = Field(description="The smallest number")
        max: float = Field(description="The largest number")
        mean: float = Field(description="The average")
        median: float = Field(description="The middle value")
        stdev: float = Field(description="The sample standard deviation (0 for a single number)")
        sum: float = Field(description="The total")
        skipped: int = Field(description="Cells left out because they are blank or not numbers")

    examples = (
        BlockExample(
            input={"csv_text": "item,price\npen,1.5\nbook,12\nbag,n/a\nmug,4.5\n", "column": "price"},
            output=[
                ("count", 3),
                ("min", 1.5),
                ("max", 12.0),
                ("mean", 6.0),
                ("median", 4.5),
                ("stdev", lambda v: abs(v - 5.408326913) < 1e-6),
                ("sum", 18.0),
                ("skipped", 1),
            ],
        ),
        BlockExample(
            input={"rows": [{"n": 2}, {"n": "4"}], "column": "n"},
            output=[
                ("count", 2),
                ("min", 2.0),
                ("max", 4.0),
                ("mean", 3.0),
                ("median", 3.0),
                ("stdev", lambda v: abs(v - 1.414213562) < 1e-6),
                ("sum", 6.0),
                ("skipped", 0),
            ],
        ),
        BlockExample(
            input={"csv_text": "item,price\npen,1.5\n", "column": "cost"},
            output=[("error", "There is no column 'cost'. The columns are: 'item', 'price'.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            if input.rows is not None:
                rows = input.rows
            elif input.csv_text.strip():
                rows, _ = await offload(parse_csv, len(input.csv_text), input.csv_text, input.delimiter, True)
            else:
                raise DocumentError("Give either csv_text or rows.")
            stats = await offload(column_statistics, len(rows), rows, input.column)
        except DocumentError as exc:
            yield "error", str(exc)
            return
        for pin, value in stats.items():
            yield pin, value
