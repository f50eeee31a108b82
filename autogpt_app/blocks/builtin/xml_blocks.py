"""The XML parser block: XML text in, nested dictionaries out, the shape AutoGPT's XMLParserBlock gives.

Parsing goes through ``defusedxml`` with document types refused outright, so no entity is ever
expanded (no "billion laughs") and nothing outside the text is read (no external entities). The
text is capped in size, and parsed in a worker thread so a large document never stalls the loop.

Shape: an element with only text is ``{tag: text}``; an element with children is ``{tag: {child…}}``
when the children's tags differ, ``{tag: [{child}, {child}…]}`` when a tag repeats. Attributes,
which AutoGPT's parser does not read, appear as ``@name`` keys next to the text under ``#text``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import Field

from autogpt_app.blocks.sdk import Block, BlockCategory, BlockError, BlockExample, BlockInput, BlockOutput, RunContext

#: Longest XML text read, in characters.
MAX_XML_CHARS = 5_000_000
#: Deepest nesting turned into dictionaries.
MAX_XML_DEPTH = 200


def _local(tag: str) -> str:
    """The tag without its namespace URI ('{http://…}item' → 'item')."""
    return tag.rsplit("}", 1)[-1]


def element_to_dict(element: Element, depth: int = 0) -> dict[str, Any]:
    """Turn one element and its children into ``{tag: value}`` (see the module's description of the shape).

    Raises:
        BlockError: the document nests deeper than ``MAX_XML_DEPTH``.
    """
    if depth > MAX_XML_DEPTH:
        raise BlockError(f"The XML nests deeper than {MAX_XML_DEPTH} levels.")
    tag = _local(element.tag)
    children = list(element)
    attributes = {f"@{_local(name)}": value for name, value in element.attrib.items()}
    if not children:
        text = (element.text or "").strip()
        return {tag: {**attributes, "#text": text} if attributes else text}
    parts = [element_to_dict(child, depth + 1) for child in children]
    tags = [next(iter(part)) for part in parts]
    if len(parts) == 1:
        value: Any = parts[0]
    elif len(set(tags)) == len(tags):
        value = {key: item for part in parts for key, item in part.items()}
    else:
        value = parts
    if attributes:
        value = {**attributes, **value} if isinstance(value, dict) else {**attributes, "#children": value}
    return {tag: value}


def parse_xml(text: str) -> dict[str, Any]:
    """Parse XML text safely into nested dictionaries.

    Raises:
        BlockError: empty, too large, not well-formed, or declaring a document type or entities.
    """
    if not text.strip():
        raise BlockError("The XML is empty.")
    if len(text) > MAX_XML_CHARS:
        raise BlockError(f"The XML is too large ({len(text):,} characters; the limit is {MAX_XML_CHARS:,}).")
    try:
        root = fromstring(text.strip(), forbid_dtd=True)
    except DefusedXmlException:
        raise BlockError(
            "The XML declares a document type or entities, which are not read here for safety. "
            "Remove the <!DOCTYPE …> part and try again."
        ) from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        if reason == "junk after document element":
            reason = "more follows the root element (wrap everything in one root tag)"
        raise BlockError(f"The XML is not well-formed: {reason} (line {line}, column {column + 1}).") from None
    return element_to_dict(root)


class XMLParserBlock(Block):
    """Reads XML text into nested dictionaries."""

    id = "286380af-9529-4b55-8be0-1d7c854abdb5"
    name = "XML parser"
    autogpt_name = "XMLParserBlock"
    description = (
        "Reads XML (such as an API answer or a feed) into a dictionary you can take values from. "
        "Document types and entities are refused for safety."
    )
    categories = (BlockCategory.DATA,)

    class Input(BlockInput):
        input_xml: str = Field(description="The XML text, with one root element, e.g. '<order><id>7</id></order>'")

    class Output(BlockOutput):
        parsed_xml: dict[str, Any] = Field(description="The XML as nested dictionaries, keyed by tag")

    examples = (
        BlockExample(
            input={"input_xml": "<tag1><tag2>content</tag2></tag1>"},
            output=[("parsed_xml", {"tag1": {"tag2": "content"}})],
        ),
        BlockExample(
            input={"input_xml": "<list><item>a</item><item>b</item></list>"},
            output=[("parsed_xml", {"list": [{"item": "a"}, {"item": "b"}]})],
            description="a repeated tag becomes a list",
        ),
        BlockExample(
            input={"input_xml": '<price currency="EUR">9.50</price>'},
            output=[("parsed_xml", {"price": {"@currency": "EUR", "#text": "9.50"}})],
            description="attributes are kept",
        ),
        BlockExample(
            input={"input_xml": "<a><b>text</a>"},
            output=[("error", "The XML is not well-formed: mismatched tag (line 1, column 13).")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        try:
            parsed = await asyncio.to_thread(parse_xml, input.input_xml)
        except BlockError as exc:
            yield "error", str(exc)
            return
        yield "parsed_xml", parsed
