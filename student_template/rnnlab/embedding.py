"""Exercise 02: the embedding table, a lookup that equals one-hot times weights."""

import numpy as np
from numpy.typing import ArrayLike

from rnnlab.one_hot import one_hot


def check_ids(ids: np.ndarray, vocab_size: int) -> None:
    """Raise ``IndexError`` unless every id lies in ``[0, vocab_size)``.

    Args:
        ids: integer array of any shape.
        vocab_size: ``V``, the number of rows of the embedding table.
    """
    raise NotImplementedError("Exercise 02 (embedding): implement check_ids")


def embedding_lookup(ids: ArrayLike, embeddings: ArrayLike) -> np.ndarray:
    """Look up one row per id, like ``keras.layers.Embedding(V, E)``.

    Args:
        ids: integer array of any shape ``S``, every id in ``[0, V)``.
        embeddings: the embedding table, shape ``(V, E)`` (the layer's only weight).

    Returns:
        array of shape ``S + (E,)`` whose entry ``[...]`` is ``embeddings[ids[...]]``.

    Raises:
        IndexError: if an id lies outside ``[0, V)`` (Keras wraps ``-1``; we refuse).

    Example:
        >>> embedding_lookup([[2, 0]], np.eye(3)).shape
        (1, 2, 3)
    """
    raise NotImplementedError("Exercise 02 (embedding): implement embedding_lookup")


def embedding_matmul(ids: ArrayLike, embeddings: ArrayLike) -> np.ndarray:
    """The same lookup computed as ``one_hot(ids, V) @ embeddings``.

    This is why the embedding table is a lookup table: multiplying a one-hot row by the
    weight matrix selects one row of it.

    Args:
        ids: integer array of any shape ``S``, every id in ``[0, V)``.
        embeddings: the embedding table, shape ``(V, E)``.

    Returns:
        array of shape ``S + (E,)``, equal to ``embedding_lookup(ids, embeddings)``.

    Raises:
        IndexError: if an id lies outside ``[0, V)``.
    """
    raise NotImplementedError("Exercise 02 (embedding): implement embedding_matmul")


def cosine_similarity(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Cosine similarity along the last axis, like ``-keras.losses.cosine_similarity``.

    Args:
        a: array of shape ``(..., E)``.
        b: array of the same shape as ``a``.

    Returns:
        array of shape ``(...)``: ``a . b / (|a| |b|)``, and 0 where either vector is zero.

    Example:
        >>> float(cosine_similarity([1.0, 0.0], [0.0, 2.0]))
        0.0
    """
    raise NotImplementedError("Exercise 02 (embedding): implement cosine_similarity")
