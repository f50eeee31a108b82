"""The registry finds blocks by itself and refuses unknown or disabled ones."""

from __future__ import annotations

import uuid

import pytest

from autogpt_app.blocks import registry
from autogpt_app.errors import NotFound

AUTOGPT_IDS = {
    "AgentInputBlock": "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b",
    "AgentShortTextInputBlock": "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158",
    "AgentLongTextInputBlock": "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba",
    "AgentNumberInputBlock": "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98",
    "AgentDropdownInputBlock": "655d6fdf-a334-421c-b733-520549c07cd1",
    "AgentToggleInputBlock": "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e",
    "AgentDateInputBlock": "7e198b09-4994-47db-8b4d-952d98241817",
    "AgentOutputBlock": "363ae599-353e-4804-937e-b2ee3cef3da4",
}


def test_blocks_are_discovered_with_unique_uuid_ids():
    blocks = registry.all_blocks()
    assert len(blocks) >= len(AUTOGPT_IDS)
    for block_id in blocks:
        uuid.UUID(block_id)


@pytest.mark.parametrize(("name", "block_id"), sorted(AUTOGPT_IDS.items()))
def test_autogpt_blocks_keep_their_ids(name, block_id):
    block = registry.get_block(block_id)
    assert block.autogpt_name == name


def test_unknown_block_is_not_found():
    with pytest.raises(NotFound):
        registry.get_block("00000000-0000-0000-0000-000000000000")


def test_disabled_blocks_are_hidden(monkeypatch):
    block = registry.get_block(AUTOGPT_IDS["AgentOutputBlock"])
    monkeypatch.setattr(type(block), "disabled", True)
    with pytest.raises(NotFound):
        registry.get_block(block.id)
    assert registry.get_block(block.id, include_disabled=True) is block
    assert block not in registry.list_blocks()


def test_describe_has_schemas():
    info = registry.get_block(AUTOGPT_IDS["AgentInputBlock"]).describe()
    assert info["input_schema"]["properties"]["name"]["type"] == "string"
    assert "result" in info["output_schema"]["properties"]
