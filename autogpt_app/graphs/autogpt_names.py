"""AutoGPT's names for blocks this platform may not have, so a refused import can say which steps to replace.

Only facts are kept here: each block's id and AutoGPT class name, read from AutoGPT's block sources
for the blocks its published agents use most. Blocks registered here are named by their own
``autogpt_name`` first (see :func:`autogpt_block_name`), so this table only matters for the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autogpt_app.blocks.registry import find_block

#: Blocks that run a person's code in a sandbox: never offered here, whatever else gets added.
CODE_RUNNING_BLOCKS: dict[str, str] = {
    "0b02b072-abe7-11ef-8372-fb5d162dd712": "ExecuteCodeBlock",
    "ff0861c9-1726-4aec-9e5b-bf53f3622112": "InstantiateCodeSandboxBlock",
    "82b59b8e-ea10-4d57-9161-8b169b0adba6": "ExecuteCodeStepBlock",
    "45e78db5-03e9-447f-9395-308d712f5f08": "BlockInstallationBlock",
}

#: Why a code-running block is refused, shown next to its name.
CODE_RUNNING_REASON = "runs code, which this platform does not offer"

#: AutoGPT block id → class name, for every block of AutoGPT's block sources (a data file of facts:
#: ids and class names only), so a refusal names a step the way its author knows it.
AUTOGPT_BLOCK_NAMES: dict[str, str] = {
    **json.loads((Path(__file__).with_name("autogpt_block_names.json")).read_text(encoding="utf-8")),
    **CODE_RUNNING_BLOCKS,
}


def autogpt_block_name(block_id: str, node: dict[str, Any] | None = None) -> str:
    """The AutoGPT class name of ``block_id``: our block's ``autogpt_name`` when we have it, else this
    table, else the name the node's metadata carries, else "unknown block <id>"."""
    block = find_block(block_id)
    if block is not None and getattr(block, "autogpt_name", None):
        return str(block.autogpt_name)
    if block_id in AUTOGPT_BLOCK_NAMES:
        return AUTOGPT_BLOCK_NAMES[block_id]
    node = node or {}
    metadata = node.get("metadata") if isinstance(node.get("metadata"), dict) else {}
    carried = node.get("block_name") or metadata.get("block_name") or metadata.get("name")
    if isinstance(carried, str) and carried.strip():
        return carried.strip()[:100]
    return f"unknown block {block_id}"


def refusal_reason(block_id: str) -> str | None:
    """Why a block is never offered here (code-running blocks), or None."""
    return CODE_RUNNING_REASON if block_id in CODE_RUNNING_BLOCKS else None
