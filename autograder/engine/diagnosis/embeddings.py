"""Candidate mistakes of exercises 01, 02 and 09's embedding_backward: one-hot, lookups, cosine."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate, bind, f64

_ZERO_ROW = "an index outside [0, depth) gives an all-zero row"


def _encode(indices: np.ndarray, depth: int) -> np.ndarray:
    return (indices[..., np.newaxis] == np.arange(depth)).astype(np.float32)


def one_hot_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``one_hot`` (01): out-of-range indices wrapped, taken modulo or clipped."""
    a = bind(case, ("indices", "depth"))
    indices, depth = np.asarray(a["indices"]).astype(np.int64), int(a["depth"])
    yield (f"matches negative indices wrapping around (as Python indexing does): {_ZERO_ROW}",
           lambda: [_encode(np.where(indices < 0, indices + depth, indices), depth)])
    yield (f"matches indices taken modulo depth: {_ZERO_ROW}",
           lambda: [_encode(indices % depth, depth)])
    yield (f"matches indices clipped into [0, depth): {_ZERO_ROW}",
           lambda: [_encode(np.clip(indices, 0, depth - 1), depth)])


# --- 02 embedding -----------------------------------------------------------------------------


def lookup_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``embedding_lookup`` (02)."""
    a = bind(case, ("ids", "embeddings"))
    ids, table = np.asarray(a["ids"]), f64(a["embeddings"])
    yield ("matches the embedding values cast to integers: keep the table's float values",
           lambda: [np.trunc(table)[ids]])


def matmul_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``embedding_matmul`` (02): a transposed or truncated table."""
    a = bind(case, ("ids", "embeddings"))
    ids, table = np.asarray(a["ids"]), f64(a["embeddings"])
    yield ("matches a transposed embedding table (one_hot(ids, E) @ embeddings.T): the table is "
           "(V, E), so one_hot(ids, V) @ embeddings selects its rows",
           lambda: [_encode(ids, table.shape[1]) @ table.T])
    yield ("matches the embedding values cast to integers: keep the table's float values",
           lambda: [_encode(ids, table.shape[0]) @ np.trunc(table)])


def _cosine_of(a: np.ndarray, b: np.ndarray, axis: int = -1, eps: float = 1e-7) -> np.ndarray:
    norm_a = np.maximum(np.linalg.norm(a, axis=axis), eps)
    norm_b = np.maximum(np.linalg.norm(b, axis=axis), eps)
    return np.sum(a * b, axis=axis) / (norm_a * norm_b)


def cosine_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``cosine_similarity`` (02): norms, signs, casts and axes."""
    a = bind(case, ("a", "b"))
    x, y = f64(a["a"]), f64(a["b"])
    norm_x = np.maximum(np.linalg.norm(x, axis=-1), 1e-7)
    norm_y = np.maximum(np.linalg.norm(y, axis=-1), 1e-7)
    dot = np.sum(x * y, axis=-1)
    yield ("gives NaN for a zero vector: divide by max(norm, 1e-7) as Keras does, so a zero "
           "vector gives 0", lambda: [_cosine_of(x, y, eps=0.0)])
    yield ("matches the dot product divided by the norm of one vector only: divide by both norms",
           lambda: [dot / norm_x])
    yield ("matches the dot product divided by the norm of one vector only: divide by both norms",
           lambda: [dot / norm_y])
    yield ("matches the negative cosine similarity (the sign of Keras's cosine_similarity loss): "
           "return the similarity itself", lambda: [-_cosine_of(x, y)])
    yield ("matches the plain dot product: divide it by the two norms", lambda: [dot])
    yield ("matches the inputs cast to integers first: keep them as floats",
           lambda: [_cosine_of(np.trunc(x), np.trunc(y))])
    yield ("matches the similarity taken along the first axis: take it along the last axis",
           lambda: [_cosine_of(x, y, axis=0)])


_REPEATED = ("matches one contribution kept per repeated id (dW[ids] = d_output or dW[ids] += d_output): "
             "an id used twice collects both, np.add.at(dW, ids, d_output)")


def embedding_backward_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``embedding_backward`` (09): repeated ids, a transposed result."""
    a = bind(case, ("ids", "d_output", "vocab_size"))
    ids, vocab = np.asarray(a["ids"]).reshape(-1).astype(np.int64), int(a["vocab_size"])
    d = f64(a["d_output"]).reshape(ids.size, -1)

    def kept(order: slice) -> list[np.ndarray]:
        """Each row set once, from the last (or, reversed, the first) position of its id."""
        grad = np.zeros((vocab, d.shape[1]))
        grad[ids[order]] = d[order]
        return [grad]

    def summed() -> np.ndarray:
        grad = np.zeros((vocab, d.shape[1]))
        np.add.at(grad, ids, d)
        return grad

    yield _REPEATED, lambda: kept(slice(None))
    yield _REPEATED, lambda: kept(slice(None, None, -1))
    yield ("matches the gradient transposed, (E, V) (d_output.T @ one_hot(ids)): dW has the table's "
           "shape (V, E), one_hot(ids, V).T @ d_output", lambda: [summed().T])
    yield ("matches the contributions of a repeated id averaged: they add up",
           lambda: [summed() / np.maximum(np.bincount(ids, minlength=vocab), 1)[:, np.newaxis]])
