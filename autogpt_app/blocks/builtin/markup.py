"""Markup blocks: Markdown to HTML, HTML to readable text, and the links of an HTML page.

Everything runs locally without network; big inputs are parsed in a worker thread.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from pydantic import Field

from autogpt_app.blocks.builtin._document_helpers import MAX_DOCUMENT_CHARS, offload
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext

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
        yield "html", await offload(render_markdown, len(input.markdown), input.markdown)


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
        yield "text", await offload(html_to_text, len(input.html), input.html)


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
        yield "links", await offload(extract_links, len(input.html), input.html, base_url)
