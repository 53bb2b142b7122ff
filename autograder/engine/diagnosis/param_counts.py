"""Candidate mistakes of exercise 08's count_params."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate, bind

_BLOCKS = {"simple_rnn": 1, "lstm": 4, "gru": 3}  # the weight blocks of each layer (its gates)
_COUNTED = ("kernel (D, kU), recurrent_kernel (U, kU) and bias (kU,), with k = 1 for SimpleRNN, "
            "4 for LSTM, 3 for GRU, whose bias (reset_after=True) is (2, 3U)")


def count_params_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``count_params`` (08): a part of the weights miscounted."""
    a = bind(case, ("layer", "input_dim", "units", "use_bias", "bidirectional"))
    layer, inputs, units = a["layer"], int(a["input_dim"]), int(a["units"])
    if layer == "embedding":
        yield ("matches a bias of E values added to the table: an Embedding has only its (V, E) table",
               lambda: [np.asarray(inputs * units + units)])
        return
    blocks, gru = _BLOCKS[layer], layer == "gru"
    rows = (2 if gru else 1) if a["use_bias"] is not False else 0
    copies = 2 if a["bidirectional"] else 1

    def count(k: int = blocks, d: int = inputs, u: int = units, bias: int = rows, n: int = copies,
              recurrent: int | None = None) -> Callable[[], list[np.ndarray]]:
        """The count of ``n`` layers of ``k`` blocks (``recurrent``: the recurrent kernel's size)."""
        size = k * u * u if recurrent is None else recurrent
        return lambda: [np.asarray(n * (k * u * (d + bias) + size))]

    if rows:
        yield f"matches the count without the bias: count {_COUNTED}", count(bias=0)
        yield f"matches a bias of U values, not one per column of the kernel: count {_COUNTED}", count(
            bias=0, recurrent=blocks * units * units + rows * units)
    else:
        yield "matches the bias counted although use_bias=False: leave it out", count(bias=2 if gru else 1)
    if gru and rows:
        yield ("matches the GRU bias counted once (3U), as with reset_after=False: Keras 3's GRU has "
               "reset_after=True and a bias of two rows, (2, 3U)", count(bias=1))
    yield f"matches the count without the recurrent kernel: count {_COUNTED}", count(recurrent=0)
    yield f"matches a recurrent kernel of (U, U): count {_COUNTED}", count(recurrent=units * units)
    yield f"matches input_dim and units swapped: count {_COUNTED}", count(d=units, u=inputs)
    for other in sorted({1, 3, 4} - {blocks}):
        yield f"matches {other} block(s) of weights: count {_COUNTED}", count(k=other)
    if copies == 2:
        yield ("matches one layer's count: Bidirectional holds two copies of the layer (forward and "
               "backward), twice the weights", count(n=1))
    else:
        yield "matches twice the count: only bidirectional=True doubles it", count(n=2)
