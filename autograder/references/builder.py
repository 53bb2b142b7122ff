"""Reproducible inputs for the suites: weights at Keras-like scale, masks, ids, and the shapes
the recurrent cases cycle through."""

from __future__ import annotations

import numpy as np

from autograder.casefile import Case

GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}

# (B, T, D, U) shapes cycled through by the recurrent cases; the first ones catch most.
HIDDEN_SHAPES = [(3, 5, 4, 6), (2, 4, 5, 3), (4, 3, 2, 5), (2, 6, 3, 2), (3, 4, 6, 4)]
PUBLIC_SHAPES = [(2, 4, 3, 5), (1, 3, 2, 4)]


class Builder:
    """Draws reproducible inputs and collects the cases of one exercise."""

    def __init__(self, exercise: str, rng: np.random.Generator) -> None:
        self.exercise = exercise
        self.rng = rng
        self.cases: list[Case] = []

    def add(self, name: str, function: str, *args, raises: str | None = None, **kwargs) -> None:
        source = "contract" if raises else "keras"
        self.cases.append(
            Case(
                name=f"{self.exercise}/{name}",
                exercise=self.exercise,
                function=function,
                args=args,
                kwargs=kwargs,
                raises=raises,
                source=source,
            )
        )

    def normal(self, *shape: int, scale: float = 1.0, dtype: type = np.float64) -> np.ndarray:
        return (scale * self.rng.standard_normal(shape)).astype(dtype)

    def ids(self, vocab: int, *shape: int, dtype: type = np.int64) -> np.ndarray:
        return self.rng.integers(0, vocab, size=shape).astype(dtype)

    def weights(self, layer: str, D: int, U: int, bias: bool = True) -> tuple:
        """``(kernel (D, kU), recurrent_kernel (U, kU)[, bias])`` at Keras-like scale; the bias
        is ``(kU,)``, or ``(2, 3U)`` for GRU (an input row and a recurrent row)."""
        k = GATES[layer]
        kernel = self.normal(D, k * U, scale=0.5)
        recurrent = self.normal(U, k * U, scale=0.5)
        if not bias:
            return kernel, recurrent
        return kernel, recurrent, self.normal(*((2,) if layer == "gru" else ()), k * U, scale=0.5)

    def mask(self, B: int, T: int, kind: str) -> np.ndarray:
        """A ``(B, T)`` bool mask: ``"post"`` padding at the end (``pad_sequences(...,
        padding="post")``), ``"pre"`` padding at the start (its default), ``"holes"``
        anywhere. Each row keeps at least one step; the first row always has padding."""
        lengths = self.rng.integers(1, T + 1, size=B)
        lengths[0] = min(lengths[0], T - 1)
        steps = np.arange(T)
        if kind == "post":
            return steps[None, :] < lengths[:, None]
        if kind == "pre":
            return steps[None, :] >= T - lengths[:, None]
        mask = self.rng.random((B, T)) < 0.6
        mask[0, 0] = mask[0, -1] = False
        mask[np.arange(B), self.rng.integers(0, T, size=B)] = True
        return mask

    def initial_state(self, layer: str, B: int, U: int) -> np.ndarray | tuple:
        """``(B, U)``, or the pair ``(h0, c0)`` for an LSTM."""
        state = self.normal(B, U, scale=0.5)
        return (state, self.normal(B, U, scale=0.5)) if layer == "lstm" else state
