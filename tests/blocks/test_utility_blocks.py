"""Utility blocks from AutoGPT: XML parser, list edits, If input matches, Data sampling."""

from __future__ import annotations

import pytest

from autogpt_app.blocks.builtin import xml_blocks
from autogpt_app.blocks.builtin.branching import IfInputMatchesBlock
from autogpt_app.blocks.builtin.list_blocks import RemoveFromListBlock
from autogpt_app.blocks.builtin.sampling import DataSamplingBlock
from autogpt_app.blocks.builtin.xml_blocks import XMLParserBlock
from autogpt_app.blocks.registry import find_block
from autogpt_app.blocks.sdk import RunContext, run_block

AUTOGPT = {
    "XMLParserBlock": ("286380af-9529-4b55-8be0-1d7c854abdb5", {"input_xml"}, {"parsed_xml"}),
    "RemoveFromListBlock": (
        "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826",
        {"list", "value", "index", "return_item"},
        {"updated_list", "removed_item"},
    ),
    "ReplaceListItemBlock": (
        "fbf62922-bea1-4a3d-8bac-23587f810b38",
        {"list", "index", "value"},
        {"updated_list", "old_item"},
    ),
    "ListIsEmptyBlock": ("896ed73b-27d0-41be-813c-c1c1dc856c03", {"list"}, {"is_empty"}),
    "IfInputMatchesBlock": (
        "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2",
        {"input", "value", "yes_value", "no_value"},
        {"result", "yes_output", "no_output"},
    ),
    "RemoveFromDictionaryBlock": (
        "46afe2ea-c613-43f8-95ff-6692c3ef6876",
        {"dictionary", "key", "return_value"},
        {"updated_dictionary", "removed_value"},
    ),
    "ReplaceDictionaryValueBlock": (
        "27e31876-18b6-44f3-ab97-f6226d8b3889",
        {"dictionary", "key", "value"},
        {"updated_dictionary", "old_value"},
    ),
    "DictionaryIsEmptyBlock": ("a3cf3f64-6bb9-4cc6-9900-608a0b3359b0", {"dictionary"}, {"is_empty"}),
    "PrintToConsoleBlock": ("f3b1c1b2-4c4f-4f0d-8d2f-4c4f0d8d2f4c", {"text"}, {"output", "status"}),
    "TextDecoderBlock": ("2570e8fe-8447-43ed-84c7-70d657923231", {"text"}, {"decoded_text"}),
    "CodeExtractionBlock": (
        "d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8",
        {"text"},
        {"python", "html", "json_code", "bash", "typescript", "remaining_text"},
    ),
    "DataSamplingBlock": (
        "4a448883-71fa-49cf-91cf-70d793bd7d87",
        {
            "data",
            "sample_size",
            "sampling_method",
            "accumulate",
            "random_seed",
            "stratify_key",
            "weight_key",
            "cluster_key",
        },
        {"sampled_data", "sample_indices"},
    ),
}


@pytest.mark.parametrize("name", sorted(AUTOGPT))
def test_autogpt_ids_and_pins(name):
    block_id, inputs, outputs = AUTOGPT[name]
    block = find_block(block_id)
    assert block is not None and block.autogpt_name == name
    assert inputs <= block.input_pins() and outputs <= block.output_pins()


# --- XML parser --------------------------------------------------------------------------------


async def xml_error(text: str) -> str:
    outputs = await run_block(XMLParserBlock(), {"input_xml": text})
    assert len(outputs) == 1 and outputs[0][0] == "error", outputs
    return outputs[0][1]


async def test_an_entity_bomb_is_refused_without_expanding_anything():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    assert "document type or entities" in await xml_error(bomb)


async def test_an_external_entity_never_reads_a_file():
    xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY f SYSTEM "file:///etc/passwd">]><x>&f;</x>'
    message = await xml_error(xxe)
    assert "document type or entities" in message and "root:" not in message


async def test_xml_too_large_or_too_deep_is_refused_readably(monkeypatch):
    monkeypatch.setattr(xml_blocks, "MAX_XML_CHARS", 100)
    assert await xml_error("<a>" + "x" * 200 + "</a>") == "The XML is too large (207 characters; the limit is 100)."
    monkeypatch.setattr(xml_blocks, "MAX_XML_DEPTH", 3)
    assert await xml_error("<a><b><c><d><e>deep</e></d></c></b></a>") == "The XML nests deeper than 3 levels."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The XML is empty."),
        ("<a>1</a><b>2</b>", "more follows the root element (wrap everything in one root tag)"),
        ("just words", "not well-formed: syntax error (line 1, column 1)"),
    ],
)
async def test_broken_xml_says_what_is_wrong(text, message):
    assert message in await xml_error(text)


async def test_namespaces_are_dropped_from_tag_names_and_nested_records_keep_their_shape():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title> News </title>'
        "<entry><id>1</id><title>One</title></entry><entry><id>2</id><title>Two</title></entry></feed>"
    )
    [(pin, parsed)] = await run_block(XMLParserBlock(), {"input_xml": feed})
    assert pin == "parsed_xml"
    assert parsed == {
        "feed": [
            {"title": "News"},
            {"entry": {"id": "1", "title": "One"}},
            {"entry": {"id": "2", "title": "Two"}},
        ]
    }


# --- Lists and matching ------------------------------------------------------------------------


async def test_removing_from_a_list_leaves_the_original_alone():
    original = [1, 2, 3]
    outputs = await run_block(RemoveFromListBlock(), {"list": original, "index": -1, "value": 1, "return_item": True})
    assert outputs == [("updated_list", [1, 2]), ("removed_item", 3)]  # the position wins over the value
    assert original == [1, 2, 3]


async def test_a_number_key_finds_the_entry_json_wrote_as_text():
    outputs = await run_block(
        find_block("46afe2ea-c613-43f8-95ff-6692c3ef6876"), {"dictionary": {"1": "one", "2": "two"}, "key": 1}
    )
    assert outputs == [("updated_dictionary", {"2": "two"})]


@pytest.mark.parametrize(
    ("given", "expected", "matches"),
    [
        ("approved", " approved ", True),
        ("Approved", "approved", False),
        (3.0, "3", True),
        (False, "no", True),
        ({"a": 1}, '{"a": 1}', True),
        ([1, 2], "[1, 2]", True),
        (None, None, True),
        (None, "x", False),
        (5, "five", False),
    ],
)
async def test_if_input_matches_reads_the_value_as_the_inputs_kind(given, expected, matches):
    outputs = await run_block(IfInputMatchesBlock(), {"input": given, "value": expected})
    assert outputs[0] == ("result", matches)
    assert outputs[1] == ("yes_output" if matches else "no_output", given)


# --- Data sampling -----------------------------------------------------------------------------

PEOPLE = [{"name": f"p{i}", "team": "red" if i < 6 else "blue", "score": i} for i in range(10)]


async def sample(**inputs):
    outputs = dict(await run_block(DataSamplingBlock(), {"data": PEOPLE, **inputs}))
    assert "error" not in outputs, outputs
    return outputs["sampled_data"], outputs["sample_indices"]


@pytest.mark.parametrize("method", ["random", "systematic", "reservoir", "stratified", "weighted", "cluster"])
async def test_a_seed_gives_the_same_sample_every_time(method):
    keys = {"stratify_key": "team", "weight_key": "score", "cluster_key": "team"}
    first = await sample(sample_size=4, sampling_method=method, random_seed=7, **keys)
    again = await sample(sample_size=4, sampling_method=method, random_seed=7, **keys)
    assert first == again and len(first[0]) == 4
    assert first[0] == [PEOPLE[i] for i in first[1]]


async def test_stratified_keeps_each_groups_share_and_bottom_takes_the_last():
    rows, _ = await sample(sample_size=5, sampling_method="stratified", stratify_key="team", random_seed=1)
    assert sorted(r["team"] for r in rows) == ["blue", "blue", "red", "red", "red"]
    assert (await sample(sample_size=2, sampling_method="bottom"))[1] == [8, 9]


async def test_weighted_never_picks_a_zero_weight_and_cluster_takes_whole_groups():
    rows, _ = await sample(sample_size=30 // 3, sampling_method="weighted", weight_key="score", random_seed=3)
    assert all(r["score"] > 0 for r in rows)
    rows, _ = await sample(sample_size=4, sampling_method="cluster", cluster_key="team", random_seed=3)
    assert len({r["team"] for r in rows}) == 1  # four records from one team (a team has at least four)


async def test_asking_to_accumulate_is_answered_with_a_note():
    context = RunContext()
    outputs = await run_block(DataSamplingBlock(), {"data": {"only": 1}, "sample_size": 1, "accumulate": True}, context)
    assert outputs == [("sampled_data", [{"only": 1}]), ("sample_indices", [0])]
    assert context.notes == ["Records are not gathered across runs here; this run sampled the data it received."]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"sampling_method": "stratified"}, "Name the stratify key for this sampling method."),
        ({"sampling_method": "cluster", "cluster_key": "age"}, "Record 0 has no 'age' (needed as the cluster key)."),
        ({"sample_size": -1}, "The sample size must be 0 or more."),
    ],
)
async def test_sampling_problems_are_readable(inputs, message):
    outputs = await run_block(DataSamplingBlock(), {"data": PEOPLE, "sample_size": 2, **inputs})
    assert outputs == [("error", message)]


# --- E-mail addresses --------------------------------------------------------------------------


async def test_addresses_are_checked_by_form_only_never_over_the_network(monkeypatch):
    import email_validator.deliverability as deliverability

    def no_lookups(*args, **kwargs):
        raise AssertionError("a DNS lookup was made")

    monkeypatch.setattr(deliverability, "validate_email_deliverability", no_lookups)
    block = find_block("722ae2a8-1777-4925-a9dc-9c3c87b30d1a")
    outputs = dict(await run_block(block, {"emails": "josé@exämple.de\nnobody@nowhere.invalid;a..b@x.com"}))
    assert outputs["valid_emails"] == ["josé@exämple.de"]
    assert outputs["invalid_emails"] == [
        {
            "email": "nobody@nowhere.invalid",
            "reason": "The part after the @-sign is a special-use or reserved name that cannot be used with email.",
        },
        {"email": "a..b@x.com", "reason": "An email address cannot have two periods in a row."},
    ]
    assert outputs["all_valid"] is False


async def test_too_many_addresses_are_refused_with_the_limit():
    block = find_block("722ae2a8-1777-4925-a9dc-9c3c87b30d1a")
    outputs = await run_block(block, {"emails": [f"p{i}@example.com" for i in range(1001)]})
    assert outputs == [("error", "At most 1000 addresses are checked at once; 1001 were given.")]


# --- Combining lists ---------------------------------------------------------------------------

LIST_BLOCKS = {
    "ConcatenateListsBlock": ("3cf9298b-5817-4141-9d80-7c2cc5199c8e", {"lists", "deduplicate", "remove_none"}),
    "FlattenListBlock": ("cc45bb0f-d035-4756-96a7-fe3e36254b4d", {"nested_list", "max_depth"}),
    "InterleaveListsBlock": ("9f616084-1d9f-4f8e-bc00-5b9d2a75cd75", {"lists"}),
    "ZipListsBlock": ("0d0e684f-5cb9-4c4b-b8d1-47a0860e0c07", {"lists", "pad_to_longest", "fill_value"}),
    "ListDifferenceBlock": ("05309873-9d61-447e-96b5-b804e2511829", {"list_a", "list_b", "symmetric"}),
    "ListIntersectionBlock": ("b6eb08b6-dbe3-411b-b9b4-2508cb311a1f", {"list_a", "list_b"}),
}


@pytest.mark.parametrize("name", sorted(LIST_BLOCKS))
def test_list_combining_blocks_keep_autogpts_ids_and_inputs(name):
    block_id, inputs = LIST_BLOCKS[name]
    block = find_block(block_id)
    assert block is not None and block.autogpt_name == name and inputs <= block.input_pins()
    assert "length" in block.output_pins()


async def test_flattening_a_list_nested_too_deep_is_refused_readably():
    nested: list = [1]
    for _ in range(250):
        nested = [nested]
    outputs = await run_block(find_block("cc45bb0f-d035-4756-96a7-fe3e36254b4d"), {"nested_list": nested})
    assert outputs == [("error", "The list nests deeper than 200 levels.")]


async def test_deduplicating_keeps_the_first_of_equal_items_and_tells_dictionaries_apart():
    block = find_block("3cf9298b-5817-4141-9d80-7c2cc5199c8e")
    lists = [[{"a": 1, "b": 2}, "x"], [{"b": 2, "a": 1}, {"a": 2}, "x"]]
    outputs = await run_block(block, {"lists": lists, "deduplicate": True})
    assert outputs == [("concatenated_list", [{"a": 1, "b": 2}, "x", {"a": 2}]), ("length", 3)]


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("\\u00e9abcd", "éabcd"),  # four hex digits only: the letters after are text
        ("\\uD83D\\uDE00!", "😀!"),
        ("tab\\there\\\\n", "tab\there\\n"),  # an escaped backslash stays one backslash
        ("\\x41\\x", "A\\x"),
    ],
)
async def test_escapes_are_decoded_exactly(text, decoded):
    outputs = await run_block(find_block("2570e8fe-8447-43ed-84c7-70d657923231"), {"text": text})
    assert outputs == [("decoded_text", decoded)]


async def test_code_fences_with_odd_spacing_and_an_unclosed_fence():
    block = find_block("d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8")
    text = 'Run this:\n```bash  \nls -la\n```\n\n\nThen:\n```json\n{"a": 1}```\nand ```python\nnever closed'
    outputs = await run_block(block, {"text": text})
    assert outputs == [
        ("json_code", '{"a": 1}'),
        ("bash", "ls -la"),
        ("remaining_text", "Run this:\nThen:\nand ```python\nnever closed"),
    ]
