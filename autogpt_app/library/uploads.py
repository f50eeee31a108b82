"""Checks for uploaded agent files: size, kind (JSON or YAML by extension and content), and a YAML
loader that refuses expansion bombs and deep nesting.

A YAML alias (``*a``) re-uses the value its anchor (``&a``) names. Nine levels of nine aliases each
("billion laughs") are a few hundred bytes that stand for a billion values: loading them is cheap
(PyYAML shares the objects), but anything that walks the result — validation, JSON encoding — never
finishes. And libyaml's composer recurses in C: a 100 KB file of ``[[[[…`` crashes the process.
:func:`safe_yaml_load` therefore first reads the event stream (flat, no recursion, nothing built),
measuring nesting depth, alias uses and what the aliases expand to, and refuses recursive aliases;
only a document that passes is loaded, with the safe loader. Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

import yaml

from autogpt_app.errors import InvalidInput

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Alias uses (``*name``) allowed in one document; agent files rarely need any.
MAX_YAML_ALIASES = 1_000
#: Values that aliases may add to a document once expanded.
MAX_YAML_ALIAS_EXPANSION = 100_000
#: Nested lists/mappings allowed (libyaml's composer recurses once per level).
MAX_YAML_DEPTH = 256
JSON_EXTENSIONS = (".json",)
YAML_EXTENSIONS = (".yaml", ".yml")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _too_complex(message: str) -> InvalidInput:
    return InvalidInput(f"{message} Nothing was imported.", code="yaml_too_complex")


def check_yaml_events(text: str) -> None:
    """Refuse YAML that nests too deeply, or whose aliases recurse, are too many, or expand too far.

    Reads events only (no nodes, no objects), so a bomb is refused in milliseconds.

    Raises:
        yaml.YAMLError: malformed YAML.
        InvalidInput: ``yaml_too_complex``.
    """
    values = 0  # values in the document once every alias is expanded
    extra = 0  # of those, how many aliases add
    aliases = 0
    sizes: dict[str, int] = {}  # completed anchor -> values it stands for
    open_anchors: set[str] = set()
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, values before it)
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.ScalarEvent):
                values += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, _START):
                if len(stack) >= MAX_YAML_DEPTH:
                    raise _too_complex(f"The YAML file nests lists or mappings more than {MAX_YAML_DEPTH} deep.")
                stack.append((event.anchor, values))
                values += 1
                if event.anchor:
                    open_anchors.add(event.anchor)
            elif isinstance(event, _END):
                anchor, before = stack.pop()
                if anchor:
                    sizes[anchor] = values - before
                    open_anchors.discard(anchor)
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise _too_complex(f"The YAML file uses more than {MAX_YAML_ALIASES} aliases (*name).")
                if event.anchor in open_anchors:
                    raise _too_complex("The YAML file refers to itself through an alias (a recursive structure).")
                size = sizes.get(event.anchor, 0)  # an undefined alias is the loader's error to report
                values += size
                extra += size
                if extra > MAX_YAML_ALIAS_EXPANSION:
                    raise _too_complex(
                        f"The YAML file's aliases (*name) expand to more than {MAX_YAML_ALIAS_EXPANSION:,} "
                        "values (an expansion bomb?)."
                    )
    finally:
        loader.dispose()


def safe_yaml_load(text: str) -> Any:
    """Parse one YAML document like ``yaml.safe_load``, behind :func:`check_yaml_events`.

    Raises:
        yaml.YAMLError: malformed YAML (the caller words it).
        InvalidInput: ``yaml_too_complex``.
    """
    check_yaml_events(text)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise _too_complex("The YAML file is nested too deeply.") from None
    finally:
        loader.dispose()


def check_upload(data: bytes, filename: str) -> str:
    """Check an uploaded agent file before it is parsed: size, extension, text, and kind by content.

    Returns the kind, ``"json"`` or ``"yaml"``.

    Raises:
        InvalidInput: ``file_too_large``, ``unsupported_file_type`` or ``invalid_file``.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Nothing was imported.",
            code="file_too_large",
        )
    name = (filename or "").strip().lower()
    if name.endswith(JSON_EXTENSIONS):
        kind = "json"
    elif name.endswith(YAML_EXTENSIONS):
        kind = "yaml"
    else:
        raise InvalidInput(
            "Upload an agent as a .json, .yaml or .yml file.",
            code="unsupported_file_type",
        )
    if not data.strip():
        raise InvalidInput("The file is empty.", code="invalid_file")
    if b"\x00" in data:
        raise InvalidInput("The file is not text: agents are JSON or YAML files.", code="invalid_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The file is not UTF-8 text.", code="invalid_file") from None
    if kind == "json" and not text.lstrip().startswith("{"):
        raise InvalidInput("The .json file does not hold a JSON object.", code="invalid_file")
    return kind
