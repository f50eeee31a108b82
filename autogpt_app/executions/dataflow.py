"""Pure data-flow bookkeeping of one run: which node runs next, with which inputs.

No I/O here: the runner feeds outputs in and takes ready node runs out, which keeps the rules
testable on their own.

Rules:
* A node without incoming links runs once at the start with its fixed inputs.
* A node with incoming links runs each time every linked input pin holds a value.
* Values on ordinary links are consumed by the run they complete; a value on a static link
  stays and feeds every later run of that node.
* Several values arriving on one pin queue up, so an iteration (one value per item) makes the
  sink run once per item, pairing the n-th value of each pin.
* Dynamic pins fill part of an input: ``values_#_k`` → ``values["k"]``, ``items_$_2`` →
  ``items[2]``, ``obj_@_f`` → ``obj["f"]``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from autogpt_app.graphs.spec import GraphSpec, Link, split_dynamic_pin
from autogpt_app.graphs.tool_links import flow_links

INPUT_BLOCK_IDS = frozenset(
    {
        "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b",
        "7fcd3bcb-8e1b-4e69-903d-32d3d4a92158",
        "90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba",
        "96dae2bb-97a2-41c2-bd2f-13a3b5a8ea98",
        "655d6fdf-a334-421c-b733-520549c07cd1",
        "cbf36ab5-df4a-43b6-8a7f-f7ed8652116e",
        "7e198b09-4994-47db-8b4d-952d98241817",
    }
)
OUTPUT_BLOCK_ID = "363ae599-353e-4804-937e-b2ee3cef3da4"


@dataclass(frozen=True)
class ReadyRun:
    """A node run whose inputs are complete."""

    node_id: str
    block_id: str
    inputs: dict[str, Any]
    #: Where this run sits in the run's causal order (the path of output indexes leading to it):
    #: results are reported in this order, whichever parallel run finished first.
    order: tuple[int, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """Identity of this run for resumption: node and inputs."""
        canonical = json.dumps([self.node_id, self.inputs], sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def apply_dynamic_pins(values: dict[str, Any]) -> dict[str, Any]:
    """Fold dynamic pin names into the inputs they belong to."""
    out: dict[str, Any] = {}
    dynamic: list[tuple[str, str, str, Any]] = []
    for name, value in values.items():
        parts = split_dynamic_pin(name)
        if parts is None:
            out[name] = value
        else:
            dynamic.append((*parts, value))
    for base, kind, key, value in dynamic:
        if kind == "$":
            current = list(out.get(base) or [])
            index = int(key) if key.lstrip("-").isdigit() else len(current)
            while len(current) <= index:
                current.append(None)
            current[index] = value
            out[base] = current
        else:
            current_dict = dict(out.get(base) or {}) if isinstance(out.get(base), dict) else {}
            current_dict[key] = value
            out[base] = current_dict
    return out


def output_part(value: Any, kind: str, key: str) -> tuple[bool, Any]:
    """One part of an output value, as a link from ``pin_#_key`` (a dictionary's key), ``pin_$_2``
    (a list's item) or ``pin_@_name`` (a field) takes it: ``(found, part)``. A value without that
    part sends nothing along the link."""
    if kind == "$" and isinstance(value, (list, tuple)):
        try:
            return True, value[int(key)]
        except (ValueError, IndexError):
            return False, None
    if isinstance(value, dict) and key in value:
        return True, value[key]
    return False, None


class DataFlow:
    """The moving state of one run."""

    def __init__(self, spec: GraphSpec, run_inputs: dict[str, Any]) -> None:
        self.spec = spec
        self.nodes = {n.id: n for n in spec.nodes}
        self.links_from: dict[tuple[str, str], list[Link]] = defaultdict(list)
        self.linked_pins: dict[str, set[str]] = defaultdict(set)
        self.static_pins: dict[str, set[str]] = defaultdict(set)
        #: (node, output) → links from one part of that output (``result_#_status``) with the part's path.
        self.part_links_from: dict[tuple[str, str], list[tuple[Link, tuple[str, str]]]] = defaultdict(list)
        for link in flow_links(spec):  # a decision maker's feedback links loop inside its own step
            self.links_from[(link.source_id, link.source_name)].append(link)
            if parts := split_dynamic_pin(link.source_name):
                base, kind, key = parts
                self.part_links_from[(link.source_id, base)].append((link, (kind, key)))
            self.linked_pins[link.sink_id].add(link.sink_name)
            if link.is_static:
                self.static_pins[link.sink_id].add(link.sink_name)
        self.run_inputs = run_inputs
        self.static_values: dict[str, dict[str, Any]] = defaultdict(dict)
        self.queues: dict[str, dict[str, deque[Any]]] = defaultdict(lambda: defaultdict(deque))

    def _fixed_inputs(self, node_id: str) -> dict[str, Any]:
        node = self.nodes[node_id]
        inputs = dict(node.input_default)
        if node.block_id in INPUT_BLOCK_IDS:
            name = inputs.get("name")
            if name is not None and name in self.run_inputs:
                inputs["value"] = self.run_inputs[name]
        return inputs

    def initial_runs(self) -> list[ReadyRun]:
        """Runs of the nodes without incoming links, in graph order."""
        starts = [n for n in self.spec.nodes if not self.linked_pins.get(n.id)]
        return [
            ReadyRun(n.id, n.block_id, apply_dynamic_pins(self._fixed_inputs(n.id)), (i,)) for i, n in enumerate(starts)
        ]

    def deliver(self, source_id: str, pin: str, value: Any, order: tuple[int, ...] = ()) -> list[ReadyRun]:
        """Feed one output value along its links; return the node runs this completes.

        ``order`` is the causal position of the output (see :attr:`ReadyRun.order`).
        """
        ready: list[ReadyRun] = []
        links = [(link, value) for link in self.links_from.get((source_id, pin), ())]
        for link, (kind, key) in self.part_links_from.get((source_id, pin), ()):
            found, part = output_part(value, kind, key)
            if found:
                links.append((link, part))
        for link, value in links:
            sink = link.sink_id
            if link.sink_name in self.static_pins[sink]:
                self.static_values[sink][link.sink_name] = value
            else:
                self.queues[sink][link.sink_name].append((order, value))
            ready.extend(self._drain(sink, order))
        return ready

    def _drain(self, node_id: str, order: tuple[int, ...]) -> list[ReadyRun]:
        ready = []
        pins = self.linked_pins[node_id]
        queues = self.queues[node_id]
        statics = self.static_values[node_id]
        dynamic_only = {p for p in pins if p not in self.static_pins[node_id]}
        while all(p in statics or queues[p] for p in pins):
            values = dict(statics)
            run_order = order
            if dynamic_only:
                popped = {pin: queues[pin].popleft() for pin in dynamic_only}
                values.update({pin: value for pin, (_o, value) in popped.items()})
                # The run sits after the latest of the values it consumes.
                run_order = max(o for o, _v in popped.values())
            inputs = {**self._fixed_inputs(node_id), **values}
            ready.append(ReadyRun(node_id, self.nodes[node_id].block_id, apply_dynamic_pins(inputs), run_order))
            if not dynamic_only:  # only static links: one run per new static value
                break
        return ready

    def error_is_handled(self, node_id: str) -> bool:
        """Whether the node's ``error`` pin feeds another node (the graph handles failures itself)."""
        return bool(self.links_from.get((node_id, "error")))
