"""Document blocks: Markdown to HTML, HTML to text and links, CSV reading and column statistics,
and offline summaries and keywords.

Everything runs locally without network or models. Parsing of big inputs is moved off the event
loop with ``asyncio.to_thread``; every limit is checked before the work starts.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

T = TypeVar("T")

#: Inputs longer than this are processed in a worker thread so the event loop stays responsive.
THREAD_THRESHOLD = 20_000
MAX_DOCUMENT_CHARS = 5_000_000
MAX_CSV_CHARS = 1_000_000
MAX_CSV_ROWS = 100_000


async def _offload(func: Callable[..., T], size: int, *args: Any) -> T:
    """Run ``func(*args)`` here when the input is small, in a worker thread when it is big."""
    if size > THREAD_THRESHOLD:
        return await asyncio.to_thread(func, *args)
    return func(*args)


class DocumentError(ValueError):
    """Bad document data given by the person; the message is shown as is."""


# ---------------------------------------------------------------------------------------------
# Markdown to HTML
# ---------------------------------------------------------------------------------------------


def render_markdown(text: str) -> str:
    """CommonMark (plus tables and strikethrough) to HTML; raw HTML in the input is escaped."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md.render(text)


class MarkdownToHtmlBlock(Block):
    """Converts Markdown to HTML, escaping any raw HTML in the input."""

    id = "b96e87df-ab6f-4b11-9b66-6980cd01097a"
    name = "Markdown to HTML"
    description = "Turns Markdown text (# headings, **bold**, lists, links, tables) into a web page fragment (HTML)."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        markdown: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The Markdown text")

    class Output(BlockOutput):
        html: str = Field(description="The HTML; raw HTML from the input is shown as text, never run")

    examples = (
        BlockExample(
            input={"markdown": "# Title\n\nSome **bold** and a [link](https://example.com)."},
            output=[
                (
                    "html",
                    '<h1>Title</h1>\n<p>Some <strong>bold</strong> and a <a href="https://example.com">link</a>.</p>\n',
                )
            ],
        ),
        BlockExample(
            input={"markdown": "Hi <script>alert(1)</script>"},
            output=[("html", "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>\n")],
            description="raw HTML is escaped",
        ),
        BlockExample(input={"markdown": ""}, output=[("html", "")]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "html", await _offload(render_markdown, len(input.markdown), input.markdown)


# ---------------------------------------------------------------------------------------------
# HTML to text and link extraction
# ---------------------------------------------------------------------------------------------

_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "title", "iframe", "object", "canvas"})
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "figure", "hr"}
)
_LINES = frozenset(
    {
        "address", "article", "aside", "br", "caption", "dd", "details", "dialog", "div", "dt", "fieldset",
        "figcaption", "footer", "form", "header", "li", "main", "nav", "section", "summary", "tr",
    }
)  # fmt: skip


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []
        self._pre = 0
        self._pending = 0  # line breaks owed before the next text

    def _break(self, lines: int) -> None:
        self._pending = max(self._pending, lines)

    def _emit(self, text: str) -> None:
        if self._pending:
            self.parts.append("\n" * self._pending)
            self._pending = 0
        self.parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip.append(tag)
        if self._skip:
            return
        if tag == "pre":
            self._pre += 1
        if tag == "br":
            self._emit("\n")
        elif tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)
        if tag == "li":
            self._emit("- ")
        elif tag in ("td", "th"):
            self._emit("\t")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES and tag != "br":
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = data if self._pre else re.sub(r"\s+", " ", data)
        if text.strip() or not self._pending:
            self._emit(text)


def html_to_text(html: str) -> str:
    """Readable text of an HTML document: scripts and styles dropped, blocks on their own lines."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r" {2,}", " ", line).strip(" \t") for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_LINK_SCHEMES = ("http", "https", "mailto")


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, list[str]]] = []
        self.base: str | None = None
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "base" and self.base is None and attributes.get("href"):
            self.base = (attributes["href"] or "").strip()
        elif tag in ("a", "area"):
            self._open = None
            href = attributes.get("href")
            if href:
                text = [attributes.get("alt") or ""] if tag == "area" else []
                self.links.append((href, text))
                self._open = text if tag == "a" else None
        elif tag == "img" and self._open is not None and attributes.get("alt"):
            self._open.append(" " + (attributes["alt"] or "") + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def extract_links(html: str, base_url: str = "") -> list[dict[str, str]]:
    """Absolute http(s) and mailto links of an HTML document, first occurrence first, no duplicates."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    base = urljoin(base_url, parser.base) if parser.base and base_url else (parser.base or base_url)
    found: dict[str, dict[str, str]] = {}
    for href, text_parts in parser.links:
        url = urljoin(base, href.strip()) if base else href.strip()
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme not in _LINK_SCHEMES or (parts.scheme != "mailto" and not parts.netloc):
            continue
        text = " ".join("".join(text_parts).split())
        if url not in found:
            found[url] = {"url": url, "text": text}
        elif not found[url]["text"]:
            found[url]["text"] = text
    return list(found.values())


class HtmlToTextBlock(Block):
    """Turns HTML into readable plain text."""

    id = "1581c2d9-0806-4758-84a6-6fabe0d04eba"
    name = "HTML to text"
    description = "Turns a web page (HTML) into plain readable text, leaving out scripts, styles and tags."
    categories = (BlockCategory.TEXT, BlockCategory.WEB)

    class Input(BlockInput):
        html: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The HTML of a page or fragment")

    class Output(BlockOutput):
        text: str = Field(description="The readable text, one paragraph or list item per line")

    examples = (
        BlockExample(
            input={
                "html": "<html><head><title>T</title><style>p{color:red}</style></head><body>"
                "<h1>Hello&nbsp;&amp; welcome</h1><p>First   line<br>second line</p>"
                "<ul><li>one</li><li>two</li></ul><script>alert('x')</script></body></html>"
            },
            output=[("text", "Hello & welcome\n\nFirst line\nsecond line\n\n- one\n- two")],
        ),
        BlockExample(input={"html": "just text, no tags"}, output=[("text", "just text, no tags")]),
        BlockExample(input={"html": ""}, output=[("text", "")]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "text", await _offload(html_to_text, len(input.html), input.html)


class ExtractLinksBlock(Block):
    """Lists the links of an HTML document."""

    id = "b6090d24-6ad4-4f94-bdeb-a5a7caa3f422"
    name = "Extract links from HTML"
    description = "Finds every web and e-mail link in a web page (HTML), with the text each link shows."
    categories = (BlockCategory.WEB, BlockCategory.DATA)

    class Input(BlockInput):
        html: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The HTML of a page or fragment")
        base_url: str = Field(
            default="", description="Address of the page, to turn relative links ('/about') into full ones"
        )

    class Output(BlockOutput):
        links: list[dict[str, str]] = Field(
            description="The links as {url, text}, in page order, without duplicates (http, https and mailto only)"
        )

    examples = (
        BlockExample(
            input={
                "html": '<a href="/about">About <b>us</b></a> <a href="https://x.org/">X</a> '
                '<a href="javascript:alert(1)">bad</a> <a href="/about">again</a> '
                '<a href="mailto:hi@example.com">Mail</a>',
                "base_url": "https://example.com/home/",
            },
            output=[
                (
                    "links",
                    [
                        {"url": "https://example.com/about", "text": "About us"},
                        {"url": "https://x.org/", "text": "X"},
                        {"url": "mailto:hi@example.com", "text": "Mail"},
                    ],
                )
            ],
        ),
        BlockExample(
            input={"html": '<a href="page.html">relative</a>'},
            output=[("links", [])],
            description="relative links need a base_url",
        ),
        BlockExample(
            input={"html": "<a href='a'>a</a>", "base_url": "ftp://example.com"},
            output=[("error", "The base_url must be a web address starting with http:// or https://.")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        base_url = input.base_url.strip()
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                yield "error", "The base_url must be a web address starting with http:// or https://."
                return
        yield "links", await _offload(extract_links, len(input.html), input.html, base_url)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

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
            rows, columns = await _offload(
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
                rows, _ = await _offload(parse_csv, len(input.csv_text), input.csv_text, input.delimiter, True)
            else:
                raise DocumentError("Give either csv_text or rows.")
            stats = await _offload(column_statistics, len(rows), rows, input.column)
        except DocumentError as exc:
            yield "error", str(exc)
            return
        for pin, value in stats.items():
            yield pin, value


# ---------------------------------------------------------------------------------------------
# Offline summary and keywords
# ---------------------------------------------------------------------------------------------

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each either etc even ever every few for from further get gets got had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd
    i'll i'm i've if in into is isn't it it's its itself just let's like made make many may me might more
    most much must mustn't my myself neither no nor not now of off often on once one only or other ought
    our ours ourselves out over own per quite rather really same say says shall shan't she she'd she'll
    she's should shouldn't since so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those though through thus to too under until up
    upon us use used uses using very via was wasn't we we'd we'll we're we've well were weren't what what's when
    when's where where's whether which while who who's whom whose why why's will with within without won't
    would wouldn't yet you you'd you'll you're you've your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[^\sa-z])")


_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "e.g.", "i.e.", "fig."})


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after . ! ? … before a capital, and at blank lines.

    Common abbreviations ('Dr.', 'e.g.') and initials ('J. Smith') do not end a sentence."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        start = 0
        for gap in _SENTENCE_END.finditer(flat):
            last = flat[start : gap.start()].rsplit(" ", 1)[-1].lower()
            if last in _ABBREVIATIONS or re.fullmatch(r"[^\W\d_]\.", last):
                continue
            sentences.append(flat[start : gap.start()])
            start = gap.end()
        if flat[start:].strip():
            sentences.append(flat[start:])
    return sentences


def _content_words(text: str) -> list[str]:
    words = (w.replace("’", "'") for w in _WORD.findall(text.lower()))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def summarize(text: str, count: int) -> str:
    """The ``count`` sentences with the most frequent content words, kept in their original order."""
    sentences = split_sentences(text)
    if len(sentences) <= count:
        return " ".join(sentences)
    frequencies = Counter(_content_words(text))
    top = max(frequencies.values(), default=1)
    scores: list[tuple[float, int]] = []
    for index, sentence in enumerate(sentences):
        words = _content_words(sentence)
        score = sum(frequencies[w] / top for w in words) / math.sqrt(len(words)) if words else 0.0
        scores.append((-score, index))
    chosen = sorted(index for _, index in sorted(scores)[:count])
    return " ".join(sentences[i] for i in chosen)


class ExtractiveSummaryBlock(Block):
    """Summarises text by picking its most representative sentences (offline, no AI model)."""

    id = "d035aa9f-4d01-4cc6-a19b-4bbc606c1e95"
    name = "Summarise text (offline)"
    description = "Shortens a text to its few most important sentences, without using an AI model."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The text to summarise")
        sentences: int = Field(default=3, ge=1, le=100, description="How many sentences to keep")

    class Output(BlockOutput):
        summary: str = Field(description="The chosen sentences, in the order they appear in the text")

    examples = (
        BlockExample(
            input={
                "text": "Solar power is growing fast. Many homes now have solar panels on the roof. "
                "The weather was nice yesterday. Solar panels turn sunlight into power for homes. "
                "My cat likes to sleep.",
                "sentences": 2,
            },
            output=[
                (
                    "summary",
                    "Many homes now have solar panels on the roof. Solar panels turn sunlight into power for homes.",
                )
            ],
        ),
        BlockExample(
            input={"text": "Only one sentence here."},
            output=[("summary", "Only one sentence here.")],
            description="shorter texts come back whole",
        ),
        BlockExample(input={"text": ""}, output=[("summary", "")]),
    )

    async def run(self, input: Input, context: RunContext):
        yield "summary", await _offload(summarize, len(input.text), input.text, input.sentences)


_PHRASE_TOKEN = re.compile(r"(?P<word>[^\W_]+(?:['’-][^\W_]+)*)|(?P<stop>[^\w\s])")
MAX_PHRASE_WORDS = 3


def _candidate_phrases(text: str) -> list[tuple[str, ...]]:
    phrases: list[tuple[str, ...]] = []
    current: list[str] = []

    def close() -> None:
        for start in range(0, len(current), MAX_PHRASE_WORDS):
            phrases.append(tuple(current[start : start + MAX_PHRASE_WORDS]))
        current.clear()

    for match in _PHRASE_TOKEN.finditer(text.lower()):
        word = match.group("word")
        if word is None:
            close()
            continue
        word = word.replace("’", "'")
        if word in STOP_WORDS or len(word) < 2 or not any(ch.isalpha() for ch in word):
            close()
        else:
            current.append(word)
    close()
    return phrases


def extract_keywords(text: str, count: int) -> list[str]:
    """Key phrases of ``text``, RAKE style: candidate phrases lie between stop words and punctuation;
    a word scores its degree over its frequency (it keeps company with other content words), a phrase
    the sum of its words' scores times how often it occurs. Ties keep the order of the text."""
    phrases = _candidate_phrases(text)
    degree: Counter[str] = Counter()
    frequency: Counter[str] = Counter()
    for phrase in phrases:
        for word in phrase:
            degree[word] += len(phrase)
            frequency[word] += 1
    occurrences = Counter(phrases)
    best: dict[tuple[str, ...], tuple[float, int]] = {}
    for position, phrase in enumerate(phrases):
        if phrase not in best:
            score = sum(degree[w] / frequency[w] for w in phrase) * occurrences[phrase]
            best[phrase] = (-score, position)
    ranked = sorted(best.items(), key=lambda item: item[1])
    return [" ".join(phrase) for phrase, _ in ranked[:count]]


class KeywordExtractionBlock(Block):
    """Finds the key words and phrases of a text (offline, no AI model)."""

    id = "62b635dc-d7c4-4a76-a4ef-f89d8935b7cc"
    name = "Extract keywords (offline)"
    description = "Lists the most important words and short phrases of a text, without using an AI model."
    categories = (BlockCategory.TEXT,)

    class Input(BlockInput):
        text: str = Field(max_length=MAX_DOCUMENT_CHARS, description="The text to read")
        count: int = Field(default=10, ge=1, le=200, description="How many keywords at most")

    class Output(BlockOutput):
        keywords: list[str] = Field(description="Keywords and key phrases in lower case, most important first")

    examples = (
        BlockExample(
            input={
                "text": "Machine learning helps computers learn from data. Deep learning is part of machine "
                "learning. Data quality matters for machine learning.",
                "count": 3,
            },
            output=[("keywords", ["machine learning", "data quality matters", "machine learning helps"])],
        ),
        BlockExample(input={"text": "the and of to"}, output=[("keywords", [])], description="only stop words"),
    )

    async def run(self, input: Input, context: RunContext):
        yield "keywords", await _offload(extract_keywords, len(input.text), input.text, input.count)
