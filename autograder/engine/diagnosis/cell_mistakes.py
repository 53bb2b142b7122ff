"""The wrong cells of SimpleRNN, LSTM and GRU, each with the message naming it."""

from __future__ import annotations

import itertools

from autograder.engine.diagnosis.activations import (
    hard_sigmoid,
    hard_sigmoid_keras2,
    relu,
    sigmoid,
    sigmoid_flipped,
)
from autograder.engine.diagnosis.cell import Variant


def _sigmoid_variants(words: str) -> list[tuple[str, Variant]]:
    """The wrong sigmoids, ``words`` saying which one Keras uses."""
    return [
        (f"matches hard_sigmoid, clip(x / 6 + 0.5, 0, 1), for the gates: {words}",
         Variant(gate=hard_sigmoid)),
        (f"matches the old Keras 2 hard_sigmoid, clip(0.2 x + 0.5, 0, 1), for the gates: {words}",
         Variant(gate=hard_sigmoid_keras2)),
        (f"matches a sigmoid computed as 1 / (1 + exp(x)): {words}", Variant(gate=sigmoid_flipped)),
    ]


def _order_variants(keras: str, common: tuple[str, ...], words: str) -> list[tuple[str, Variant]]:
    """Every other order of the gate blocks, the common ones first."""
    return sorted(
        [(f"matches the gate blocks read in the order {', '.join(order)}: {words}",
          Variant(order="".join(order)))
         for order in itertools.permutations(keras) if "".join(order) != keras],
        key=lambda item: (item[1].order not in common, item[0]),
    )


_BIAS_VARIANTS: list[tuple[str, Variant]] = [
    ("matches the result without the bias: add the bias b to x_t W + h_prev R", Variant(bias=0.0)),
    ("matches the result with the bias added twice: add b once", Variant(bias=2.0)),
]
SIGMOIDS = "Keras's LSTM uses the logistic sigmoid 1 / (1 + exp(-x)) as recurrent_activation"
GATE_VARIANTS: list[tuple[str, Variant]] = [
    *_sigmoid_variants(SIGMOIDS),
    *_BIAS_VARIANTS,
    ("matches ReLU in place of tanh for the candidate g: the LSTM candidate uses tanh",
     Variant(activation=relu)),
]
_STATE_VARIANTS: list[tuple[str, Variant]] = [
    ("matches h_t = o * c_t: the new hidden state is o * tanh(c_t)", Variant(linear_output=True)),
    ("matches c_t = f * g + i * c_prev: the forget gate scales the previous cell state and the "
     "input gate the candidate, c_t = f * c_prev + i * g", Variant(swapped_cell=True)),
    ("matches a cell state that restarts from zero (c_prev is not used): carry c_t over to the "
     "next step, c_t = f * c_prev + i * g", Variant(reset_cell=True)),
]
ORDER_VARIANTS = _order_variants(
    "ifco", ("icfo", "ifoc", "fico", "cifo", "oifc", "fioc"),
    "Keras orders the kernel's columns input, forget, candidate (cell), output")
SIMPLE_VARIANTS: list[tuple[str, Variant]] = [
    ("matches ReLU in place of tanh: SimpleRNN's activation is tanh", Variant(activation=relu)),
    *_BIAS_VARIANTS,
    ("matches the recurrent kernel transposed (h_prev @ R.T): use it as given, h_prev @ R",
     Variant(transposed=True)),
    ("matches the logistic sigmoid in place of tanh: SimpleRNN's activation is tanh",
     Variant(activation=sigmoid)),
]
LSTM_VARIANTS = GATE_VARIANTS + _STATE_VARIANTS + ORDER_VARIANTS

_GRU_ROWS = "row 0 of the bias is added to x W, row 1 to h_prev R (inside r * (h_prev R_h + b1_h))"
GRU_GATE_VARIANTS: list[tuple[str, Variant]] = [
    *_sigmoid_variants("Keras's GRU uses the logistic sigmoid 1 / (1 + exp(-x)) as recurrent_activation"),
    ("matches the result without the bias: add bias[0] to x_t W and bias[1] to h_prev R", Variant(bias=0.0)),
    ("matches the result with the bias added twice: add each row once", Variant(bias=2.0)),
    ("matches the reset gate applied before the recurrent matmul, (r * h_prev) R_h (reset_after=False): "
     "Keras 3's GRU applies it after, r * (h_prev R_h + b1_h)", Variant(reset_before=True)),
    (f"matches the two bias rows swapped: {_GRU_ROWS}", Variant(bias_rows="swapped")),
    (f"matches the two bias rows summed into one added to x W: {_GRU_ROWS}", Variant(bias_rows="summed")),
    (f"matches the input bias (row 0) only: {_GRU_ROWS}", Variant(bias_rows="input")),
    (f"matches the recurrent bias (row 1) only: {_GRU_ROWS}", Variant(bias_rows="recurrent")),
    ("matches ReLU in place of tanh for the candidate h_tilde: the GRU candidate uses tanh",
     Variant(activation=relu)),
]
GRU_ORDER_VARIANTS = _order_variants(
    "zrh", ("rzh",), "Keras orders the kernel's columns z (update), r (reset), h (candidate); "
                     "PyTorch's r, z, n order differs")
GRU_VARIANTS = [
    *GRU_GATE_VARIANTS,
    ("matches h_t = (1 - z) * h_prev + z * h_tilde: in Keras z weighs the old state, "
     "h_t = z * h_prev + (1 - z) * h_tilde", Variant(swapped_update=True)),
    *GRU_ORDER_VARIANTS,
]
LAYER_VARIANTS = {"simple_rnn": SIMPLE_VARIANTS, "lstm": LSTM_VARIANTS, "gru": GRU_VARIANTS}


def applicable(variants: list[tuple[str, Variant]], weights: tuple) -> list[tuple[str, Variant]]:
    """The variants that can differ from the reference for these weights."""
    _, recurrent, bias = weights
    return [
        (message, v) for message, v in variants
        if not ((v.bias != 1.0 or v.bias_rows != "split") and bias is None)
        and not (v.transposed and recurrent.shape[0] != recurrent.shape[1])
    ]
