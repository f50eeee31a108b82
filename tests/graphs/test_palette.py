"""The builder's block palette: every enabled block with its pins, typed by the rule links are checked with."""

from __future__ import annotations

from autogpt_app.blocks.registry import find_block, list_blocks
from autogpt_app.graphs import palette
from autogpt_app.graphs.validation import pin_types
from tests.graphs.helpers import CALC, FILL, LLM, OUTPUT, SHORT_TEXT

ADD_TO_LIST = "aeb08fc1-2fc1-4141-bc8e-f758f183a822"


def pins(entry: dict, side: str = "inputs") -> dict[str, dict]:
    return {p["name"]: p for p in entry[side]}


def test_one_entry_per_enabled_block_sorted_by_first_category_then_name():
    entries = palette.palette()
    assert {e["id"] for e in entries} == {b.id for b in list_blocks()}
    order = [(e["categories"][0], e["name"].lower()) for e in entries]
    assert order == sorted(order)
    assert set(entries[0]) == {"id", "name", "description", "categories", "inputs", "outputs", "dynamic_outputs"}


def test_a_disabled_block_is_left_out(monkeypatch):
    monkeypatch.setattr(type(find_block(CALC)), "disabled", True)
    palette._catalogue.cache_clear()
    palette._by_id.cache_clear()
    palette._pins_by_name.cache_clear()
    try:
        assert CALC not in {e["id"] for e in palette.palette()}
        assert palette.block_entry(CALC) is None
    finally:
        monkeypatch.undo()
        palette._catalogue.cache_clear()
        palette._by_id.cache_clear()
        palette._pins_by_name.cache_clear()
    assert palette.block_entry(CALC)["name"] == "Calculator"


def test_pins_carry_types_requirement_and_description():
    calc = palette.block_entry(CALC)
    a = pins(calc)["a"]
    assert a == {
        "name": "a",
        "title": "A",
        "types": ["number"],
        "required": True,
        "advanced": False,
        "grows": None,
        "description": a["description"],
        "credential": False,
    }
    assert a["description"]
    assert pins(calc)["operation"]["types"] == ["string"]  # an enum ($ref resolved) is text
    assert pins(calc, "outputs")["result"]["types"] == ["number"]
    assert pins(palette.block_entry(OUTPUT))["value"]["types"] == []  # anything


def test_types_are_the_ones_validation_uses():
    for entry in palette.palette():
        block = find_block(entry["id"])
        for side, output in (("inputs", False), ("outputs", True)):
            for pin in entry[side]:
                assert pin["types"] == sorted(pin_types(block, pin["name"], output=output))


def test_dict_and_list_inputs_grow_and_credentials_are_marked():
    assert pins(palette.block_entry(FILL))["values"]["grows"] == "dict"
    assert pins(palette.block_entry(ADD_TO_LIST))["entries"]["grows"] == "list"
    assert pins(palette.block_entry(FILL))["format"]["grows"] is None
    llm = pins(palette.block_entry(LLM))
    assert llm["credentials"]["credential"] is True and llm["credentials"]["grows"] is None
    assert not any(p["credential"] for name, p in llm.items() if name != "credentials")


def test_every_input_of_the_schema_is_kept():
    short_text = palette.block_entry(SHORT_TEXT)
    assert set(pins(short_text)) == set(find_block(SHORT_TEXT).input_schema()["properties"])


def test_entries_are_copies():
    entry = palette.block_entry(CALC)
    entry["inputs"].clear()
    palette.palette()[0]["name"] = "changed"
    assert palette.block_entry(CALC)["inputs"]
    assert palette.palette()[0]["name"] != "changed"
    assert palette.block_entry("no-such-block") is None
