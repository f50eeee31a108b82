"""Seed agents for tabular and structured data: CSV statistics, CSV to JSON, JSON formatting, JSON to CSV."""

from __future__ import annotations

from autogpt_app.blocks.builtin.csv_blocks import CsvColumnStatsBlock, CsvParseBlock
from autogpt_app.blocks.builtin.json_blocks import FormatJsonBlock, ParseJsonBlock
from autogpt_app.blocks.builtin.text import FillTextTemplateBlock
from autogpt_app.store.seed.builder import (
    dropdown_input,
    graph,
    long_text_input,
    node,
    number_input,
    output,
    text_input,
    toggle_input,
)
from autogpt_app.store.seed.model import Sample, SeedAgent, all_of, approx, contains, equals

_DELIMITERS = ["comma", "semicolon", "tab", "pipe"]
_DELIMITER = "{{ {'comma': ',', 'semicolon': ';', 'tab': '\\t', 'pipe': '|'}[d] }}"

_SALES = "month,revenue,region\nJan,1200,EU\nFeb,1350.5,EU\nMar,,US\nApr,980,US\nMay,n/a,EU\n"

# ---------------------------------------------------------------------------------------------
# CSV column statistics
# ---------------------------------------------------------------------------------------------

_STATS = """\
**{{ column }}**: {{ count }} number{{ 's' if count != 1 }}
{%- if skipped %} ({{ skipped }} blank or non-numeric cell{{ 's' if skipped != 1 }} skipped){% endif %}

| statistic | value |
|---|---|
| minimum | {{ '{:,.0f}'.format(min) if min == min|round else '{:,.2f}'.format(min) }} |
| maximum | {{ '{:,.0f}'.format(max) if max == max|round else '{:,.2f}'.format(max) }} |
| mean | {{ '{:,.2f}'.format(mean) }} |
| median | {{ '{:,.2f}'.format(median) }} |
| standard deviation | {{ '{:,.2f}'.format(stdev) }} |
| sum | {{ '{:,.2f}'.format(sum) }} |"""

CSV_STATS = SeedAgent(
    slug="csv-column-statistics",
    name="CSV Column Statistics",
    subheading="Count, min, max, mean, median and standard deviation of a CSV column",
    description=(
        "Paste CSV data (from a spreadsheet export, a bank statement, a log) and name a column: the agent "
        "reports how many numbers it holds, their minimum, maximum, mean (average), median, sample standard "
        "deviation and sum, as a small Markdown table. Blank cells and text such as “n/a” are skipped and "
        "counted, so you know how clean the column is.\n\n"
        "Commas, semicolons, tabs and pipes are supported as separators; quoted cells may contain them."
    ),
    categories=("data", "finance"),
    creator="datasmith",
    changelog="First release: descriptive statistics of one column with a Markdown report.",
    graph=graph(
        "CSV Column Statistics",
        "Descriptive statistics of one numeric CSV column.",
        [
            long_text_input("csv", "csv_text", "CSV data", "CSV text with a header line"),
            text_input("column", "column", "Column", "Name of the numeric column, as in the header line"),
            dropdown_input("sep", "separator", "Separator", "What separates the cells", _DELIMITERS, "comma"),
            node("delimiter", FillTextTemplateBlock, format=_DELIMITER),
            node("stats", CsvColumnStatsBlock),
            node("report", FillTextTemplateBlock, format=_STATS),
            output("out_report", "report", "Report", "The statistics as a Markdown table"),
            output("out_mean", "mean", "Mean", "The average"),
            output("out_median", "median", "Median", "The middle value"),
        ],
        [
            "sep.result -> delimiter.values_#_d",
            "csv.result -> stats.csv_text",
            "column.result -> stats.column",
            "delimiter.output -> stats.delimiter",
            "column.result -> report.values_#_column",
            "stats.count -> report.values_#_count",
            "stats.min -> report.values_#_min",
            "stats.max -> report.values_#_max",
            "stats.mean -> report.values_#_mean",
            "stats.median -> report.values_#_median",
            "stats.stdev -> report.values_#_stdev",
            "stats.sum -> report.values_#_sum",
            "stats.skipped -> report.values_#_skipped",
            "report.output -> out_report.value",
            "stats.mean -> out_mean.value",
            "stats.median -> out_median.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"csv_text": _SALES, "column": "revenue"},
            expect={
                "mean": approx(1176.8333, 0.001),
                "median": equals(1200.0),
                "report": contains(
                    "**revenue**: 3 numbers (2 blank or non-numeric cells skipped)",
                    "| minimum | 980 |",
                    "| maximum | 1,350.50 |",
                    "| mean | 1,176.83 |",
                    "| sum | 3,530.50 |",
                ),
            },
        ),
        Sample(
            inputs={"csv_text": "name;score\nAda;7\nBo;9\n", "column": "score", "separator": "semicolon"},
            expect={"mean": equals(8.0), "report": contains("**score**: 2 numbers\n")},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# CSV to JSON
# ---------------------------------------------------------------------------------------------

CSV_TO_JSON = SeedAgent(
    slug="csv-to-json-converter",
    name="CSV to JSON Converter",
    subheading="Turn CSV rows into a JSON array of objects, keyed by the header line",
    description=(
        "Converts CSV text into JSON: with a header line, each row becomes an object keyed by the column "
        "names; without one, each row becomes a list of cells. Quoted cells, embedded separators and line "
        "breaks are handled by a real CSV parser, and the result is pretty-printed.\n\n"
        "Also gives the column names and the number of rows, so you can check the import before using the "
        "JSON in an API call, a configuration file or another agent."
    ),
    categories=("data", "developer"),
    creator="datasmith",
    changelog="First release: objects or lists, any common separator, pretty-printed output.",
    graph=graph(
        "CSV to JSON Converter",
        "Converts CSV text to JSON.",
        [
            long_text_input("csv", "csv_text", "CSV data", "The CSV text"),
            dropdown_input("sep", "separator", "Separator", "What separates the cells", _DELIMITERS, "comma"),
            toggle_input(
                "header", "has_header", "First line is a header", "Use the first line as the names of the columns", True
            ),
            number_input("indent", "indent", "Indent", "Spaces per level in the JSON (0: one line)", 2),
            node("delimiter", FillTextTemplateBlock, format=_DELIMITER),
            node("parse", CsvParseBlock),
            node("format", FormatJsonBlock),
            output("out_json", "json", "JSON", "The rows as JSON"),
            output("out_columns", "columns", "Columns", "The column names"),
            output("out_rows", "row_count", "Rows", "How many rows were read"),
        ],
        [
            "sep.result -> delimiter.values_#_d",
            "csv.result -> parse.csv_text",
            "delimiter.output -> parse.delimiter",
            "header.result -> parse.has_header",
            "parse.rows -> format.value",
            "indent.result -> format.indent",
            "format.json_string -> out_json.value",
            "parse.columns -> out_columns.value",
            "parse.row_count -> out_rows.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"csv_text": 'name,city\nAda,London\n"Lin, Bo","New York"\n'},
            expect={
                "json": equals(
                    '[\n  {\n    "name": "Ada",\n    "city": "London"\n  },\n  {\n    "name": "Lin, Bo",\n'
                    '    "city": "New York"\n  }\n]'
                ),
                "columns": equals(["name", "city"]),
                "row_count": equals(2),
            },
        ),
        Sample(
            inputs={"csv_text": "1\t2\n3\t4", "separator": "tab", "has_header": False, "indent": 0},
            expect={"json": equals('[["1", "2"], ["3", "4"]]'), "row_count": equals(2)},
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# JSON formatter
# ---------------------------------------------------------------------------------------------

JSON_FORMATTER = SeedAgent(
    slug="json-formatter-validator",
    name="JSON Formatter and Validator",
    subheading="Pretty-print, minify or sort JSON, and find out exactly where it is broken",
    description=(
        "Checks that a piece of JSON is valid and rewrites it neatly indented (or on one line with indent 0), "
        "optionally with the keys of every object sorted alphabetically, which makes two documents easy to "
        "compare.\n\n"
        "When the JSON is broken you get the line and column of the first problem and what was expected there, "
        "instead of a cryptic error. Handy before committing a configuration file or sending a request body."
    ),
    categories=("developer", "data"),
    creator="datasmith",
    changelog="First release: indent, minify, sort keys, and readable parse errors.",
    graph=graph(
        "JSON Formatter and Validator",
        "Validates and pretty-prints JSON.",
        [
            long_text_input("json", "json_text", "JSON", "The JSON to check and format"),
            number_input("indent", "indent", "Indent", "Spaces per level (0: everything on one line)", 2),
            toggle_input("sort", "sort_keys", "Sort keys", "Sort the keys of every object alphabetically", False),
            node("parse", ParseJsonBlock),
            node("format", FormatJsonBlock),
            output("out_json", "formatted", "Formatted JSON", "The JSON, formatted"),
            output("out_problem", "problem", "Problem", "Where the JSON is broken, when it is"),
        ],
        [
            "json.result -> parse.json_string",
            "parse.parsed -> format.value",
            "indent.result -> format.indent",
            "sort.result -> format.sort_keys",
            "format.json_string -> out_json.value",
            "parse.error -> out_problem.value",
        ],
    ),
    samples=(
        Sample(
            inputs={"json_text": '{"b": [1, 2], "a": {"z": true, "c": null}}', "sort_keys": True},
            expect={
                "formatted": equals('{\n  "a": {\n    "c": null,\n    "z": true\n  },\n  "b": [\n    1,\n    2\n  ]\n}')
            },
            absent=("problem",),
        ),
        Sample(
            inputs={"json_text": '{"name": "Ada",\n "age": 36,}'},
            expect={"problem": all_of(contains("line 2"), contains("column"))},
            absent=("formatted",),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# JSON to CSV
# ---------------------------------------------------------------------------------------------

_TO_CSV = """\
{%- macro cell(v) -%}
{%- if v is none -%}{%- set s = '' -%}
{%- elif v is boolean -%}{%- set s = 'true' if v else 'false' -%}
{%- elif v is string -%}{%- set s = v -%}
{%- elif v is number -%}{%- set s = v|string -%}
{%- else -%}{%- set s = v|tojson -%}{%- endif -%}
{%- if ',' in s or '"' in s or '\\n' in s or '\\r' in s -%}"{{ s|replace('"', '""') }}"{%- else -%}{{ s }}{%- endif -%}
{%- endmacro -%}
{%- set rows = data if data is sequence and data is not string and data is not mapping else [data] -%}
{%- set objects = rows|select('mapping')|list -%}
{%- if not rows or objects|length != rows|length -%}
ERROR: give a JSON array of objects, e.g. [{"name": "Ada", "age": 36}]
{%- else -%}
{%- set columns = objects|map('list')|sum(start=[])|unique|list -%}
{%- for c in columns %}{{ cell(c) }}{{ ',' if not loop.last }}{% endfor %}
{% for r in objects -%}
{%- for c in columns %}{{ cell(r[c] if c in r else none) }}{{ ',' if not loop.last }}{% endfor %}
{% endfor -%}
{%- endif -%}"""

JSON_TO_CSV = SeedAgent(
    slug="json-to-csv-converter",
    name="JSON to CSV Converter",
    subheading="Turn a JSON array of objects into a CSV table for spreadsheets",
    description=(
        "Converts JSON (an array of objects, as most APIs return) into CSV you can open in a spreadsheet. "
        "Every key that appears in any object becomes a column, in order of first appearance; missing values "
        "stay empty; nested lists and objects are kept as JSON in their cell; cells with commas, quotes or "
        "line breaks are quoted the way spreadsheets expect.\n\n"
        "Anything else than an array of objects gets a clear message instead of a broken table."
    ),
    categories=("data", "developer"),
    creator="datasmith",
    changelog="First release: union of columns, RFC 4180 quoting, nested values as JSON.",
    graph=graph(
        "JSON to CSV Converter",
        "Converts a JSON array of objects to CSV.",
        [
            long_text_input("json", "json_text", "JSON", 'A JSON array of objects, e.g. [{"name": "Ada", "age": 36}]'),
            node("parse", ParseJsonBlock),
            node("table", FillTextTemplateBlock, format=_TO_CSV),
            output("out_csv", "csv", "CSV", "The table as CSV (or a message saying what is wrong)"),
            output("out_problem", "problem", "Problem", "Why the text could not be read as JSON"),
        ],
        [
            "json.result -> parse.json_string",
            "parse.parsed -> table.values_#_data",
            "table.output -> out_csv.value",
            "parse.error -> out_problem.value",
        ],
    ),
    samples=(
        Sample(
            inputs={
                "json_text": '[{"name": "Ada", "langs": ["en", "fr"], "active": true},'
                ' {"name": "Lin, Bo", "age": 31, "note": "said \\"hi\\""}]'
            },
            expect={
                "csv": equals(
                    'name,langs,active,age,note\nAda,"[""en"", ""fr""]",true,,\n"Lin, Bo",,,31,"said ""hi"""\n'
                ),
            },
        ),
        Sample(
            inputs={"json_text": "[1, 2, 3]"},
            expect={"csv": contains("ERROR: give a JSON array of objects")},
        ),
    ),
)

DATA_AGENTS = (CSV_STATS, CSV_TO_JSON, JSON_FORMATTER, JSON_TO_CSV)
