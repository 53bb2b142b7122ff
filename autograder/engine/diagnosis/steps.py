"""Candidate mistakes of the one-step exercises (``*_step``, ``*_gates``) and of ``sigmoid``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, partial

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.activations import hard_sigmoid, hard_sigmoid_keras2, sigmoid_flipped
from autograder.engine.diagnosis.arguments import Candidate, bind, f64, layer_weights
from autograder.engine.diagnosis.cell import CellBatch
from autograder.engine.diagnosis.cell_mistakes import (
    GATE_VARIANTS,
    GRU_GATE_VARIANTS,
    GRU_ORDER_VARIANTS,
    GRU_VARIANTS,
    LSTM_VARIANTS,
    ORDER_VARIANTS,
    SIGMOIDS,
    SIMPLE_VARIANTS,
    applicable,
)

_STEP_NAMES = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")
_LSTM_STEP_NAMES = ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")
# function: (the layer, the variants that apply to it, its parameters)
_STEPS = {
    "simple_rnn_step": ("simple_rnn", SIMPLE_VARIANTS, _STEP_NAMES),
    "lstm_gates": ("lstm", GATE_VARIANTS + ORDER_VARIANTS, _STEP_NAMES),
    "lstm_step": ("lstm", LSTM_VARIANTS, _LSTM_STEP_NAMES),
    "gru_gates": ("gru", GRU_GATE_VARIANTS + GRU_ORDER_VARIANTS, _STEP_NAMES),
    "gru_step": ("gru", GRU_VARIANTS, _STEP_NAMES),
}


def step_candidates(function: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn_step``, ``lstm_gates``, ``lstm_step``, ``gru_gates`` or ``gru_step``."""
    layer, options, names = _STEPS[function]

    def candidates(case: Case) -> Iterator[Candidate]:
        a = bind(case, names)
        weights = layer_weights(a)
        chosen = applicable(options, weights)
        x, h = f64(a["x_t"]), f64(a["h_prev"])[np.newaxis]
        c = f64(a["c_prev"])[np.newaxis] if "c_prev" in names else np.zeros_like(h)

        @cache
        def computed() -> tuple:
            return CellBatch([v for _, v in chosen], *weights, layer).step(x, h, c)

        def pick(n: int) -> list[np.ndarray]:
            h_t, c_t, gates = computed()
            if function.endswith("_gates"):
                return [gate[n] for gate in gates]
            return [h_t[n], c_t[n]] if layer == "lstm" else [h_t[n]]

        for n, (message, _) in enumerate(chosen):
            yield message, partial(pick, n)

    return candidates


def sigmoid_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``sigmoid``: the wrong sigmoids, and tanh."""
    x = f64(bind(case, ("x",))["x"])
    yield f"matches hard_sigmoid, clip(x / 6 + 0.5, 0, 1): {SIGMOIDS}", lambda: [hard_sigmoid(x)]
    yield (f"matches the old Keras 2 hard_sigmoid, clip(0.2 x + 0.5, 0, 1): {SIGMOIDS}",
           lambda: [hard_sigmoid_keras2(x)])
    yield f"matches a sigmoid computed as 1 / (1 + exp(x)): {SIGMOIDS}", lambda: [sigmoid_flipped(x)]
    yield f"matches tanh: {SIGMOIDS}", lambda: [np.tanh(x)]
