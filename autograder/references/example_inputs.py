"""The course notes' running example as inputs: its sentence and dictionary, the padded batch
of Exercise 07, the counts of Exercise 08, and the weights drawn once with NumPy (rounded to
:data:`GRID`, so float32 holds them exactly)."""

from __future__ import annotations

import numpy as np

SENTENCE = "What time is it ?"
VOCAB = {"is": 0, "it": 1, "What": 2, "time": 3, "?": 4}
EMBEDDING_SIZE = 100  # E: output_dim of the notes' Embedding
UNITS = 64  # U: units of the notes' SimpleRNN and LSTM
SEED = 20230630  # the date of the first note
GRID = 2.0**-12  # weights are multiples of this: exact in float32, and they compress well
PADDED = ("What time is it ?", "it is time", "What ?")  # exercise 07's batch, lengths 5, 3, 2
MASK_VOCAB = {word: id_ + 1 for word, id_ in VOCAB.items()}  # id 0 is kept for the padding
# Exercise 08: (layer, input_dim, units, use_bias, bidirectional) of every count stored.
PARAM_CASES = (
    ("embedding", len(VOCAB), EMBEDDING_SIZE, False, False),
    *((layer, EMBEDDING_SIZE, UNITS, use_bias, bidirectional)
      for use_bias, bidirectional in ((False, False), (True, False), (True, True))
      for layer in ("simple_rnn", "lstm", "gru")),
)

def token_ids() -> np.ndarray:
    """The ids of the sentence, as a batch of one: ``[[2 3 0 1 4]]``, shape ``(1, 5)``."""
    return np.array([[VOCAB[word] for word in SENTENCE.split()]])


def padded_ids(sentences: tuple[str, ...] = PADDED, *, pre: bool = False) -> np.ndarray:
    """Exercise 07's batch: the sentences' :data:`MASK_VOCAB` ids, padded with 0 to one length."""
    rows = [[MASK_VOCAB[word] for word in sentence.split()] for sentence in sentences]
    steps = max(len(row) for row in rows)
    pads = [[0] * (steps - len(row)) for row in rows]
    return np.array([pad + row if pre else row + pad for row, pad in zip(rows, pads, strict=True)])


def _on_grid(values: np.ndarray) -> np.ndarray:
    return (np.round(values / GRID) * GRID).astype(np.float32)


def _glorot_uniform(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (rows + cols))
    return _on_grid(rng.uniform(-limit, limit, size=(rows, cols)))


def _orthogonal(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """Orthonormal rows or columns, the way Keras's ``Orthogonal`` initializer makes them."""
    q, r = np.linalg.qr(rng.normal(size=(max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))
    return _on_grid(q.T if rows < cols else q)


def draw_weights(seed: int = SEED) -> dict[str, list[np.ndarray]]:
    """The example's weights, in ``layer.get_weights()`` order, as float32 arrays."""
    rng = np.random.default_rng(seed)
    V, E, U = len(VOCAB), EMBEDDING_SIZE, UNITS
    embeddings = [_on_grid(rng.normal(size=(V, E)))]

    def recurrent(k: int) -> list[np.ndarray]:
        return [_glorot_uniform(rng, E, k * U), _orthogonal(rng, U, k * U)]

    return {
        "embedding": embeddings,
        "simple_rnn": recurrent(1),
        "lstm": recurrent(4),
        "bidirectional": recurrent(1) + recurrent(1),  # forward, then backward
        # drawn after the others, so that adding them changed none of the weights above
        "gru": recurrent(3),
        "gru_bias": [_on_grid(rng.uniform(-0.5, 0.5, size=(2, 3 * U)))],
        "padding_row": [_on_grid(rng.normal(size=(1, E)))],  # exercise 07's row for id 0
        "d_output": [_on_grid(rng.normal(size=(1, len(SENTENCE.split()), U)))],  # exercise 09
    }
