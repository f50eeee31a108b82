"""Text and data blocks: what their examples cannot show (time limits, caps, sandboxing, path corner cases)."""

from __future__ import annotations

import asyncio
import time

import pytest

from autogpt_app.blocks import registry
from autogpt_app.blocks.builtin import text as text_blocks
from autogpt_app.blocks.builtin.basic import NoteBlock, StoreValueBlock
from autogpt_app.blocks.builtin.conversion import StepThroughItemsBlock, UniversalTypeConverterBlock
from autogpt_app.blocks.builtin.dict_blocks import FindInDictionaryBlock
from autogpt_app.blocks.builtin.json_blocks import GetJsonPathBlock
from autogpt_app.blocks.builtin.list_blocks import AddToListBlock
from autogpt_app.blocks.builtin.text import (
    TIMEOUT_MESSAGE,
    ExtractTextInformationBlock,
    FillTextTemplateBlock,
    MatchTextPatternBlock,
)
from autogpt_app.blocks.sdk import run_block

AUTOGPT_IDS = {
    "StoreValueBlock": "1ff065e9-88e8-4358-9d82-8dc91f622ba9",
    "NoteBlock": "cc10ff7b-7753-4ff2-9af6-9399b1a7eddc",
    "FillTextTemplateBlock": "db7d8f02-2f44-4c55-ab7a-eae0941f0c30",
    "CombineTextsBlock": "e30a4d42-7b7d-4e6a-b36e-1f9b8e3b7d85",
    "TextSplitBlock": "d5ea33c8-a575-477a-b42f-2fe3be5055ec",
    "TextReplaceBlock": "7e7c87ab-3469-4bcc-9abe-67705091b713",
    "MatchTextPatternBlock": "3060088f-6ed9-4928-9ba7-9c92823a7ccd",
    "ExtractTextInformationBlock": "3146e4fe-2cdd-4f29-bd12-0c9d5bb4deb0",
    "WordCharacterCountBlock": "ab2a782d-22cf-4587-8a70-55b59b3f9f90",
    "CreateDictionaryBlock": "b924ddf4-de4f-4b56-9a85-358930dcbc91",
    "AddToDictionaryBlock": "31d1064e-7446-4693-a7d4-65e5ca1180d1",
    "FindInDictionaryBlock": "0e50422c-6dee-4145-83d6-3a5a392f65de",
    "CreateListBlock": "a912d5c7-6e00-4542-b2a9-8034136930e4",
    "AddToListBlock": "aeb08fc1-2fc1-4141-bc8e-f758f183a822",
    "GetListItemBlock": "262ca24c-1025-43cf-a578-534e23234e97",
    "FindInListBlock": "5e2c6d0a-1e37-489f-b1d0-8e1812b23333",
    "CountItemsBlock": "3c9c2f42-b0c3-435f-ba35-05f7a25c772a",
    "StepThroughItemsBlock": "f66a3543-28d3-4ab5-8945-9b336371e2ce",
    "UniversalTypeConverterBlock": "95d1b990-ce13-4d88-9737-ba5c2070c97b",
}


@pytest.mark.parametrize(("name", "block_id"), sorted(AUTOGPT_IDS.items()))
def test_autogpt_blocks_keep_their_ids(name, block_id):
    assert registry.get_block(block_id).autogpt_name == name


def test_autogpt_pin_names():
    assert StoreValueBlock.input_pins() == {"input", "data"} and StoreValueBlock.output_pins() == {"output", "error"}
    assert NoteBlock.output_pins() == {"output", "error"}
    assert StepThroughItemsBlock.input_pins() == {"items", "items_object", "items_str"}
    assert ExtractTextInformationBlock.output_pins() == {
        "positive",
        "negative",
        "matched_results",
        "matched_count",
        "error",
    }
    assert UniversalTypeConverterBlock.input_pins() == {"value", "type"}
    assert UniversalTypeConverterBlock.output_pins() == {"value", "error"}


# ------------------------------------------------------------------------------------------ ReDoS


async def _ticks_while(coro) -> tuple[list, float, int]:
    """Run ``coro`` while a ticker counts loop turns: the event loop must stay free."""
    ticks = 0
    done = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.05)

    task = asyncio.create_task(ticker())
    start = time.perf_counter()
    try:
        result = await coro
    finally:
        done.set()
        await task
    return result, time.perf_counter() - start, ticks


async def test_classic_redos_pattern_finishes_quickly():
    # (a+)+$ is the textbook catastrophic pattern for backtracking engines; the `regex` module
    # recognises it and answers at once, so either a quick "no" or the timeout error is fine.
    outputs = await run_block(MatchTextPatternBlock(), {"text": "a" * 50 + "!", "match": "(a+)+$", "data": "d"})
    assert outputs in ([("negative", "d")], [("error", TIMEOUT_MESSAGE)])


async def test_catastrophic_pattern_gives_the_timeout_error_without_blocking_the_loop(monkeypatch):
    # A short limit: on a busy machine the matching thread gets little CPU and overshoots a long one.
    monkeypatch.setattr(text_blocks, "REGEX_TIMEOUT_SECONDS", 1.0)
    block = MatchTextPatternBlock()
    outputs, elapsed, ticks = await _ticks_while(
        run_block(block, {"text": "a" * 50 + "!", "match": "(a|aa)+$", "data": "d"})
    )
    assert outputs == [("error", "The pattern took too long to match.")]
    assert elapsed < 6
    assert ticks >= 10, "the event loop was blocked while matching"


async def test_extract_times_out_too(monkeypatch):
    monkeypatch.setattr(text_blocks, "REGEX_TIMEOUT_SECONDS", 0.5)
    start = time.perf_counter()
    outputs = await run_block(
        ExtractTextInformationBlock(), {"text": "a" * 50 + "!", "pattern": "(a|aa)+$", "find_all": True}
    )
    assert outputs == [("error", TIMEOUT_MESSAGE)]
    assert time.perf_counter() - start < 3


async def test_regex_sizes_are_capped():
    long_text = "a" * 1_000_001
    assert await run_block(MatchTextPatternBlock(), {"text": long_text, "match": "a"}) == [
        ("error", "The text is longer than 1,000,000 characters.")
    ]
    assert await run_block(ExtractTextInformationBlock(), {"text": "a", "pattern": "a" * 1001}) == [
        ("error", "The pattern is longer than 1,000 characters.")
    ]


async def test_extract_match_count_and_size_are_capped():
    outputs = await run_block(ExtractTextInformationBlock(), {"text": "a" * 20_000, "pattern": "a", "find_all": True})
    assert outputs[-1] == ("matched_count", text_blocks.MAX_MATCHES)
    # Every position captures the rest of the text: far more than the cap in all.
    outputs = await run_block(
        ExtractTextInformationBlock(),
        {"text": "b" * 200_000, "pattern": "(?=(.*))", "group": 1, "find_all": True},
    )
    assert outputs == [("error", "The matches are longer than 10,000,000 characters in all.")]


async def test_extract_negative_group_and_missing_group():
    assert await run_block(ExtractTextInformationBlock(), {"text": "abc", "pattern": "b", "group": -1}) == [
        ("error", "The group number cannot be negative.")
    ]
    outputs = await run_block(ExtractTextInformationBlock(), {"text": "ac", "pattern": "a(b)?c", "group": 1})
    assert outputs == [("positive", ""), ("matched_results", [""]), ("matched_count", 1)]


async def test_match_zero_data_is_passed_on():
    assert await run_block(MatchTextPatternBlock(), {"text": "x", "match": "x", "data": 0}) == [("positive", 0)]


# ------------------------------------------------------------------------------------ templates


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ values.__class__.__init__.__globals__ }}",
        "{{ name.__class__.__base__ }}",
    ],
)
async def test_fill_text_template_refuses_python_internals(source):
    outputs = await run_block(FillTextTemplateBlock(), {"values": {"name": "Ada"}, "format": source})
    assert len(outputs) == 1
    pin, value = outputs[0]
    if pin == "error":
        assert "Traceback" not in value
    else:
        assert pin == "output"
        assert value == "", value


async def test_fill_text_template_does_not_change_values():
    outputs = await run_block(
        FillTextTemplateBlock(), {"values": {"items": [1]}, "format": "{{ items.append(2) }}{{ items }}"}
    )
    assert outputs[0][0] == "error" or outputs == [("output", "[1]")]


# ------------------------------------------------------------------------------- step through


async def test_step_through_cap_gives_one_error_and_nothing_else():
    outputs = await run_block(StepThroughItemsBlock(), {"items": list(range(10_001))})
    assert len(outputs) == 1
    pin, message = outputs[0]
    assert pin == "error"
    assert "more than 10,000 items" in message


async def test_step_through_cap_counts_every_source():
    outputs = await run_block(
        StepThroughItemsBlock(), {"items": list(range(6_000)), "items_str": str(list(range(5_000)))}
    )
    assert [pin for pin, _ in outputs] == ["error"]


async def test_step_through_exactly_the_cap_works():
    outputs = await run_block(StepThroughItemsBlock(), {"items": list(range(10_000))})
    assert len(outputs) == 20_000
    assert outputs[-2:] == [("item", 9_999), ("key", 9_999)]


async def test_step_through_all_sources_in_order():
    outputs = await run_block(StepThroughItemsBlock(), {"items": ["a"], "items_object": {"k": "b"}, "items_str": "[7]"})
    assert outputs == [("item", "a"), ("key", 0), ("item", "b"), ("key", "k"), ("item", 7), ("key", 0)]


async def test_step_through_rejects_json_that_is_not_a_collection():
    assert await run_block(StepThroughItemsBlock(), {"items_str": '"hello"'}) == [
        ("error", "items_str must be a list or a dictionary, not a text.")
    ]


# ---------------------------------------------------------------------------------- JSON paths

DOC = {
    "a": {"b": [{"c": 1}, {"c": None}]},
    "a/b": "slash",
    "m~n": "tilde",
    "": "empty key",
    "odd.key": {"x": "dotted"},
    'say "hi"': "quoted",
    "0": "zero key",
    "flag": False,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", DOC),
        ("a.b[0].c", 1),
        ("a.b.0.c", 1),
        ("a.b[-1]", {"c": None}),
        ("a.b[1].c", None),  # a null value is found, not missing
        ("flag", False),
        ('["odd.key"].x', "dotted"),
        ("['odd.key']['x']", "dotted"),
        ('["say \\"hi\\""]', "quoted"),
        ("[0]", "zero key"),
        ("0", "zero key"),
        ("/a/b/0/c", 1),
        ("/a~1b", "slash"),
        ("/m~0n", "tilde"),
        ("/", "empty key"),
        ("/a/b/1/c", None),
    ],
)
async def test_json_path_finds(path, expected):
    assert await run_block(GetJsonPathBlock(), {"value": DOC, "path": path}) == [("output", expected)]


@pytest.mark.parametrize(
    "path",
    [
        "a.b[2]",
        "a.b[-3]",
        "a.b.c",  # a name on a list
        "a.b[0].c.d",  # into a number
        "/a/b/01",  # pointers allow no leading zeros
        "/a/b/-",  # the past-the-end marker never holds a value
        "/a/b/-1",  # nor negative indices
        "nope",
        "flag.x",
    ],
)
async def test_json_path_missing(path):
    assert await run_block(GetJsonPathBlock(), {"value": DOC, "path": path}) == [("missing", DOC)]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a..b", "The path has an empty name at position 3."),
        (".a", "The path has an empty name at position 1."),
        ("a.", "The path ends with '.'."),
        ("a[0", "The path has a '[' without a matching ']' at position 2."),
        ("a[]", "The path has empty brackets at position 2."),
        ('a["x]', "The path has an unfinished quoted key at position 2."),
        ("a[0]b", "The path needs a '.' or '[' at position 5."),
        ("a" * 1001, "The path is longer than 1,000 characters."),
    ],
)
async def test_json_path_errors(path, message):
    assert await run_block(GetJsonPathBlock(), {"value": DOC, "path": path}) == [("error", message)]


async def test_json_path_reads_json_text_and_never_attributes():
    assert await run_block(GetJsonPathBlock(), {"value": '{"a": [5]}', "path": "a[0]"}) == [("output", 5)]
    assert await run_block(GetJsonPathBlock(), {"value": "text", "path": "upper"}) == [("missing", "text")]
    assert await run_block(GetJsonPathBlock(), {"value": {"a": 1}, "path": "a.__class__"}) == [("missing", {"a": 1})]


# ------------------------------------------------------------------------------- odds and ends


async def test_find_in_dictionary_never_reads_attributes():
    assert await run_block(FindInDictionaryBlock(), {"input": {"a": 1}, "key": "keys"}) == [("missing", {"a": 1})]
    assert await run_block(FindInDictionaryBlock(), {"input": [1, 2], "key": "1"}) == [("output", 2)]
    assert await run_block(FindInDictionaryBlock(), {"input": '{"a": 3}', "key": "a"}) == [("output", 3)]


async def test_add_to_list_does_not_change_the_input():
    original = [1, 2]
    outputs = await run_block(AddToListBlock(), {"list": original, "entry": 3})
    assert outputs == [("updated_list", [1, 2, 3])]
    assert original == [1, 2]


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (None, "string", ""),
        (True, "number", 1),
        ("1e3", "number", 1000.0),
        ("0", "boolean", False),
        ({"a": 1}, "list", [["a", 1]]),
        ("hello", "list", ["hello"]),
        ([5, 6], "dictionary", {"0": 5, "1": 6}),
    ],
)
async def test_type_converter(value, target, expected):
    assert await run_block(UniversalTypeConverterBlock(), {"value": value, "type": target}) == [("value", expected)]


@pytest.mark.parametrize(
    ("value", "target", "message"),
    [
        ("nan", "number", "'nan' is not a finite number."),
        ([1], "number", "Cannot turn a list into a number."),
        ("maybe", "boolean", "'maybe' is not true or false (try yes/no, true/false or 1/0)."),
        ("[1,", "list", "The text is not valid JSON: Expecting value (line 1, column 4)."),
        (3, "dictionary", "Cannot turn a number into a dictionary."),
    ],
)
async def test_type_converter_errors(value, target, message):
    assert await run_block(UniversalTypeConverterBlock(), {"value": value, "type": target}) == [("error", message)]
