"""Secrets inside agent graphs: the one rule that finds them and the one function that strips them.

A graph leaves its owner through marketplace listings, copies added to someone else's library,
and exports. None of those may carry the owner's secrets, so each one goes through
:func:`strip_secrets`, which removes:

- the default of an input marked secret (``"secret": true`` beside a ``value`` or ``default``,
  which covers agent-input nodes and the input schemas that "run sub-agent" nodes carry);
- credential references (the fields a block declares with a ``CredentialRequirement``): the
  new owner picks one of their own when they run it;
- secret-looking literals typed into a node: a value under a secret-looking name
  (``Authorization``, ``X-Api-Key``, ``api_key``, ``password``…) and well-known token shapes
  (``Bearer …``, ``sk-…``, ``ghp_…``…) wherever they appear.

Publishing refuses an agent with a secret-looking literal (:func:`secret_literals` says where);
a secret input default and a credential reference are normal and only stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from autogpt_app.blocks.registry import find_block
from autogpt_app.graphs.spec import GraphSpec, Node

#: Name words that mark a value as secret (the name is split at ``_``, ``-``, spaces and camelCase).
_SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "apikey", "authorization", "auth", "cookie", "bearer"}
)
#: Names that say "secret" only once their words are joined (``api_key``, ``X-Api-Key``, ``private-key``).
_SECRET_JOINED = ("apikey", "accesskey", "privatekey", "secretkey", "clientsecret", "sessionid", "accesstoken")
#: Values that are credentials whatever their name: an HTTP authorisation and well-known key shapes.
_SECRET_VALUE = re.compile(
    r"\b(?:Bearer|Basic|bearer|basic)\s+(?=[A-Za-z0-9._~+/=-]*[0-9+/=_.-])[A-Za-z0-9._~+/=-]{12,}"
    r"|\bsk-[A-Za-z0-9_-]{16,}"
    r"|\bsk_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|\bgh[pousr]_[A-Za-z0-9]{20,}"
    r"|\bgithub_pat_[A-Za-z0-9_]{20,}"
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|\bAKIA[0-9A-Z]{16}\b"
    r"|\bAIza[0-9A-Za-z_-]{30,}"
    r"|\bagpt_[A-Za-z0-9_-]{20,}"
)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_secret_name(name: str) -> bool:
    """Whether a field or header name says its value is a secret (``Authorization``, ``api_key``…)."""
    words = [w.lower() for w in _WORDS.findall(str(name))]
    joined = "".join(words)
    return any(w in _SECRET_WORDS for w in words) or any(part in joined for part in _SECRET_JOINED)


def _is_template(value: str) -> bool:
    """A value filled in at run time from the agent's data (``{{ token }}``) is no literal."""
    return "{{" in value and "}}" in value


def _is_literal(value: Any) -> bool:
    """Whether a value under a secret-looking name holds something (not empty, not a template)."""
    if isinstance(value, str):
        return bool(value.strip()) and not _is_template(value)
    if isinstance(value, dict | list):
        return bool(value)
    return False


def _has_secret_value(value: str) -> bool:
    return not _is_template(value) and _SECRET_VALUE.search(value) is not None


@dataclass(frozen=True)
class SecretLiteral:
    """A secret-looking value typed into a node, and where a person finds it."""

    node_id: str
    #: The step's name as a person knows it (its own title, else its block's name).
    step: str
    #: ``header 'Authorization'`` or ``field 'api_key'``.
    where: str

    def message(self) -> str:
        """What a person reads: which step and field, and what to do instead."""
        return f"The '{self.step}' step's {self.where} looks like a secret: use a credential instead."


def _step_name(node: Node) -> str:
    meta = node.metadata or {}
    title = meta.get("customized_name") or meta.get("title") or meta.get("label")
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())[:80]
    block = find_block(node.block_id)
    return block.name if block else "unknown"


def _where(path: list[str]) -> str:
    if len(path) == 2 and path[0].lower() == "headers":
        return f"header '{path[1]}'"
    return f"field '{'.'.join(path)}'"


def _credential_fields(node: Node) -> set[str]:
    block = find_block(node.block_id)
    return {r.field for r in block.credentials} if block else set()


def _find(value: Any, path: list[str], found: list[list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_name(str(key)) and _is_literal(item):
                found.append([*path, str(key)])
            else:
                _find(item, [*path, str(key)], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find(item, [*path, str(index)], found)
    elif isinstance(value, str) and _has_secret_value(value):
        found.append(path)


def secret_literals(spec: GraphSpec) -> list[SecretLiteral]:
    """Every secret-looking literal typed into a node of ``spec`` (and of the sub-agents it carries).

    Credential references and the defaults of inputs marked secret are not literals: they are
    stripped when the agent leaves its owner, not refused.
    """
    literals: list[SecretLiteral] = []
    for node in spec.nodes:
        skip = _credential_fields(node)
        defaults = {k: v for k, v in node.input_default.items() if k not in skip}
        if defaults.get("secret") is True:
            defaults.pop("value", None)
        paths: list[list[str]] = []
        _find(defaults, [], paths)
        step = _step_name(node)
        literals.extend(SecretLiteral(node.id, step, _where(p)) for p in paths if p)
    for sub in spec.sub_graphs:
        literals.extend(secret_literals(sub))
    return literals


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        clean = {k: _scrub(v) for k, v in value.items() if not (is_secret_name(str(k)) and _is_literal(v))}
        if value.get("secret") is True:  # an input marked secret (or its schema field) keeps no default
            if "value" in clean:
                clean["value"] = None
            clean.pop("default", None)
        return clean
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str) and _has_secret_value(value):
        return _SECRET_VALUE.sub("", value)
    return value


def strip_secrets(spec: GraphSpec) -> GraphSpec:
    """A copy of ``spec`` fit for anyone but its owner: no secret input default, no credential
    reference, no secret-looking literal, in its nodes and in the sub-agents it carries."""
    clean = spec.model_copy(deep=True)
    for node in clean.nodes:
        defaults = {k: v for k, v in node.input_default.items() if k not in _credential_fields(node)}
        node.input_default = _scrub(defaults)
    clean.sub_graphs = [strip_secrets(sub) for sub in clean.sub_graphs]
    return clean
