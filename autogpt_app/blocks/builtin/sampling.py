"""Data sampling: pick a subset of records by one of AutoGPT's sampling methods (its DataSamplingBlock).

Every random choice comes from a generator of this run alone, seeded with ``random_seed`` when one
is given, so a seed gives the same sample every time and runs never disturb one another.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from enum import StrEnum
from typing import Any

from pydantic import Field

from autogpt_app.blocks.builtin._data_helpers import INTEGER
from autogpt_app.blocks.sdk import Block, BlockCategory, BlockExample, BlockInput, BlockOutput, RunContext


class SamplingMethod(StrEnum):
    """How records are picked; the values are those AutoGPT stores in its exports."""

    RANDOM = "random"
    SYSTEMATIC = "systematic"
    TOP = "top"
    BOTTOM = "bottom"
    STRATIFIED = "stratified"
    WEIGHTED = "weighted"
    RESERVOIR = "reservoir"
    CLUSTER = "cluster"


class SamplingError(ValueError):
    """The data or settings do not allow the sample asked for; the message is shown as is."""


def _field(item: Any, key: str, position: int, purpose: str) -> Any:
    """The value of ``key`` in record ``position`` (a dictionary key, or a position in a list record)."""
    if isinstance(item, dict) and key in item:
        value = item[key]
    elif isinstance(item, list) and INTEGER.fullmatch(key) and -len(item) <= int(key) < len(item):
        value = item[int(key)]
    else:
        raise SamplingError(f"Record {position} has no '{key}' (needed as the {purpose}).")
    if value is None:
        raise SamplingError(f"Record {position} has no value for '{key}' (needed as the {purpose}).")
    return value


def _groups(data: list[Any], key: str | None, purpose: str) -> dict[str, list[int]]:
    """Record positions grouped by their value of ``key``, groups in order of first appearance."""
    if not key:
        raise SamplingError(f"Name the {purpose} for this sampling method.")
    groups: dict[str, list[int]] = defaultdict(list)
    for position, item in enumerate(data):
        groups[str(_field(item, key, position, purpose))].append(position)
    return groups


def _stratified(data: list[Any], size: int, key: str | None, rng: random.Random) -> list[int]:
    """Each group gets its share of the sample (largest remainders round up), drawn at random within it."""
    groups = _groups(data, key, "stratify key")
    shares = {name: len(members) * size / len(data) for name, members in groups.items()}
    counts = {name: math.floor(share) for name, share in shares.items()}
    by_remainder = sorted(groups, key=lambda name: shares[name] - counts[name], reverse=True)
    for name in by_remainder[: size - sum(counts.values())]:
        counts[name] += 1
    picked: list[int] = []
    for name, members in groups.items():
        picked.extend(rng.sample(members, counts[name]))
    return picked


def _weighted(data: list[Any], size: int, key: str | None, rng: random.Random) -> list[int]:
    """Records drawn with replacement, each as likely as its weight."""
    if not key:
        raise SamplingError("Name the weight key for weighted sampling.")
    weights = []
    for position, item in enumerate(data):
        raw = _field(item, key, position, "weight key")
        try:
            weight = float(raw)
        except (TypeError, ValueError):
            raise SamplingError(f"The weight {raw!r} of record {position} is not a number.") from None
        if not math.isfinite(weight) or weight < 0:
            raise SamplingError(f"The weight {raw!r} of record {position} must be 0 or more.")
        weights.append(weight)
    if not any(weights):
        raise SamplingError("Every weight is 0, so no record can be drawn.")
    return rng.choices(range(len(data)), weights=weights, k=size)


def _reservoir(count: int, size: int, rng: random.Random) -> list[int]:
    """A uniform sample read in one pass, as if the records arrived one at a time."""
    kept = list(range(size))
    for position in range(size, count):
        slot = rng.randint(0, position)
        if slot < size:
            kept[slot] = position
    return kept


def _cluster(data: list[Any], size: int, key: str | None, rng: random.Random) -> list[int]:
    """Whole groups picked at random until the sample is full; trimmed at random if it overflows."""
    groups = _groups(data, key, "cluster key")
    order = list(groups)
    rng.shuffle(order)
    picked: list[int] = []
    for name in order:
        if len(picked) >= size:
            break
        picked.extend(groups[name])
    return rng.sample(picked, size) if len(picked) > size else picked


def sample_positions(
    data: list[Any], size: int, method: SamplingMethod, rng: random.Random, **keys: str | None
) -> list[int]:
    """Positions of the records ``method`` picks from ``data``.

    Raises:
        SamplingError: the sample cannot be taken (size, missing key, bad weight), with the reason.
    """
    count = len(data)
    if size < 0:
        raise SamplingError("The sample size must be 0 or more.")
    if size > count:
        raise SamplingError(f"The sample size ({size}) is larger than the data ({count} records).")
    if size == 0:
        return []
    if method is SamplingMethod.RANDOM:
        return rng.sample(range(count), size)
    if method is SamplingMethod.SYSTEMATIC:
        step = count // size
        return list(range(rng.randrange(step), count, step))[:size]
    if method is SamplingMethod.TOP:
        return list(range(size))
    if method is SamplingMethod.BOTTOM:
        return list(range(count - size, count))
    if method is SamplingMethod.STRATIFIED:
        return _stratified(data, size, keys.get("stratify_key"), rng)
    if method is SamplingMethod.WEIGHTED:
        return _weighted(data, size, keys.get("weight_key"), rng)
    if method is SamplingMethod.RESERVOIR:
        return _reservoir(count, size, rng)
    return _cluster(data, size, keys.get("cluster_key"), rng)


_RECORDS = [{"id": i, "value": chr(97 + i), "group": i % 3} for i in range(10)]


class DataSamplingBlock(Block):
    """Picks a subset of records: at random, every n-th, first or last, by group, by weight or by cluster."""

    id = "4a448883-71fa-49cf-91cf-70d793bd7d87"
    name = "Data sampling"
    autogpt_name = "DataSamplingBlock"
    description = (
        "Picks some records from a list: at random, every n-th, the first or last ones, evenly from each "
        "group, by weight, or whole clusters. Give a seed to get the same sample every time."
    )
    categories = (BlockCategory.DATA, BlockCategory.LOGIC)

    class Input(BlockInput):
        data: dict[str, Any] | list[Any] = Field(
            description="The records: a list of dictionaries (or of lists); a single dictionary counts as one"
        )
        sample_size: int = Field(default=10, description="How many records to pick")
        sampling_method: SamplingMethod = Field(
            default=SamplingMethod.RANDOM,
            description="random, systematic (every n-th), top, bottom, stratified, weighted, reservoir or cluster",
        )
        accumulate: bool = Field(
            default=False,
            description="AutoGPT's 'gather across runs' switch; each run here samples the data it receives",
            json_schema_extra={"advanced": True},
        )
        random_seed: int | None = Field(
            default=None, description="A number that makes the sample the same every time (random when empty)"
        )
        stratify_key: str | None = Field(default=None, description="For stratified: the field naming each group")
        weight_key: str | None = Field(default=None, description="For weighted: the field holding each weight")
        cluster_key: str | None = Field(default=None, description="For cluster: the field naming each cluster")

    class Output(BlockOutput):
        sampled_data: list[Any] = Field(description="The records picked")
        sample_indices: list[int] = Field(description="Their positions in the data, counting from 0")

    examples = (
        BlockExample(
            input={"data": _RECORDS, "sample_size": 3, "sampling_method": "top"},
            output=[("sampled_data", _RECORDS[:3]), ("sample_indices", [0, 1, 2])],
        ),
        BlockExample(
            input={
                "data": _RECORDS,
                "sample_size": 3,
                "sampling_method": "stratified",
                "stratify_key": "group",
                "random_seed": 42,
            },
            output=[
                ("sampled_data", lambda rows: sorted(r["group"] for r in rows) == [0, 1, 2]),
                ("sample_indices", lambda positions: len(set(positions)) == 3),
            ],
            description="one record from each group",
        ),
        BlockExample(
            input={"data": _RECORDS, "sample_size": 20},
            output=[("error", "The sample size (20) is larger than the data (10 records).")],
        ),
        BlockExample(
            input={"data": _RECORDS, "sample_size": 2, "sampling_method": "weighted", "weight_key": "score"},
            output=[("error", "Record 0 has no 'score' (needed as the weight key).")],
        ),
    )

    async def run(self, input: Input, context: RunContext):
        data = input.data if isinstance(input.data, list) else [input.data]
        if input.accumulate:
            context.note("Records are not gathered across runs here; this run sampled the data it received.")
        rng = random.Random(input.random_seed)  # noqa: S311 - reproducible sampling, not secrets
        try:
            positions = sample_positions(
                data,
                input.sample_size,
                input.sampling_method,
                rng,
                stratify_key=input.stratify_key,
                weight_key=input.weight_key,
                cluster_key=input.cluster_key,
            )
        except SamplingError as exc:
            yield "error", str(exc)
            return
        yield "sampled_data", [data[p] for p in positions]
        yield "sample_indices", positions
