"""The block registry: finds every block in ``autogpt_app.blocks.builtin`` by itself.

Adding a block is adding a class in a module of that package; nothing else to register.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from functools import lru_cache

from autogpt_app.blocks.sdk import Block
from autogpt_app.errors import NotFound

_PACKAGE = "autogpt_app.blocks.builtin"


class RegistryError(RuntimeError):
    """A block is declared wrongly (duplicate or malformed id, missing name); a programming error."""


def _discover() -> dict[str, type[Block]]:
    package = importlib.import_module(_PACKAGE)
    found: dict[str, type[Block]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{_PACKAGE}.{module_info.name}")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if not issubclass(obj, Block) or obj is Block or obj.__module__ != module.__name__:
                continue
            if "id" not in obj.__dict__:  # abstract helpers without an id of their own
                continue
            try:
                uuid.UUID(obj.id)
            except ValueError as exc:
                raise RegistryError(f"{obj.__qualname__} has an id that is not a UUID: {obj.id!r}") from exc
            if obj.id in found:
                raise RegistryError(f"{obj.__qualname__} reuses the id of {found[obj.id].__qualname__}")
            if not getattr(obj, "name", "") or not getattr(obj, "description", ""):
                raise RegistryError(f"{obj.__qualname__} needs a name and a description")
            found[obj.id] = obj
    return found


@lru_cache
def all_blocks() -> dict[str, type[Block]]:
    """Every block class by id, disabled ones included."""
    return _discover()


@lru_cache
def _instances() -> dict[str, Block]:
    return {block_id: cls() for block_id, cls in all_blocks().items()}


def get_block(block_id: str, *, include_disabled: bool = False) -> Block:
    """Return the block with ``block_id``.

    Raises:
        NotFound: no such block, or it is disabled and ``include_disabled`` is false.
    """
    block = _instances().get(block_id)
    if block is None or (block.disabled and not include_disabled):
        raise NotFound(f"Unknown block {block_id!r}.", code="block_not_found")
    return block


def find_block(block_id: str) -> Block | None:
    """Return the block with ``block_id`` (disabled included), or None."""
    return _instances().get(block_id)


def list_blocks(*, include_disabled: bool = False) -> list[Block]:
    """Every usable block, sorted by name."""
    blocks = [b for b in _instances().values() if include_disabled or not b.disabled]
    return sorted(blocks, key=lambda b: b.name.lower())
