"""Every registered block runs its own example cases and produces exactly the outputs declared."""

from __future__ import annotations

import pytest

from autogpt_app.blocks.registry import list_blocks
from autogpt_app.blocks.sdk import Block, BlockExample, CredentialSecret, RunContext, run_block

CASES = [
    pytest.param(block, example, id=f"{block.name}#{i}")
    for block in list_blocks(include_disabled=True)
    for i, example in enumerate(block.examples)
]


def _matches(expected, actual) -> bool:
    if callable(expected):
        return bool(expected(actual))
    return expected == actual


@pytest.mark.parametrize(("block", "example"), CASES)
async def test_block_example(block: Block, example: BlockExample) -> None:
    context = RunContext(
        user_id="example-user",
        credentials={
            name: CredentialSecret.model_validate({"id": f"cred-{name}", **fields})
            for name, fields in example.secrets.items()
        },
    )
    produced = await run_block(block, example.input, context)
    assert len(produced) == len(example.output), f"{block.name}: produced {produced}, expected {example.output}"
    for (pin, value), (want_pin, want_value) in zip(produced, example.output, strict=True):
        assert pin == want_pin, f"{block.name}: pin {pin!r} where {want_pin!r} was expected"
        assert _matches(want_value, value), f"{block.name}: {pin}={value!r}, expected {want_value!r}"


def test_every_block_has_examples_and_valid_schemas() -> None:
    for block in list_blocks(include_disabled=True):
        assert block.examples, f"{block.name} has no example cases"
        assert block.input_schema()["type"] == "object"
        assert "error" in block.output_pins()
        for requirement in block.credentials:
            assert requirement.field in block.input_pins(), f"{block.name}: credential field not an input"
