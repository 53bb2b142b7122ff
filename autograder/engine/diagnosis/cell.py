"""A recurrent cell's variants (right and wrong), computed side by side in one NumPy pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from autograder.engine.diagnosis.activations import sigmoid


@dataclass(frozen=True)
class Variant:
    """A (possibly wrong) recurrent layer: how its cell computes a step, how it loops and
    how it treats a mask. The defaults are Keras's."""

    order: str = ""  # the gate each block of z is read as, block by block ("": Keras's order)
    gate: Callable = sigmoid  # the LSTM's and GRU's recurrent activation
    activation: Callable = np.tanh  # SimpleRNN's activation, the LSTM's and GRU's candidate's
    bias: float = 1.0  # 0: left out, 2: added twice
    transposed: bool = False  # h_prev @ recurrent_kernel.T
    swapped_cell: bool = False  # c = f * g + i * c_prev
    linear_output: bool = False  # h = o * c
    reset_cell: bool = False  # c_prev replaced by zeros
    reset_before: bool = False  # GRU: (r * h_prev) @ R_h, as reset_after=False
    swapped_update: bool = False  # GRU: h = (1 - z) * h_prev + z * h_tilde
    bias_rows: str = "split"  # GRU: "swapped", "summed" (both on x W), "input" or "recurrent" only
    initial: str = "given"  # "zeros": initial_state ignored; "swapped": read as (c_0, h_0)
    backwards: bool = True  # False: go_backwards ignored
    skip_last: bool = False  # the loop stops one step early
    masked_state: str = "carry"  # at a masked step: "update" it anyway, "zeros", "cell" (LSTM c updated)
    masked_output: str = "carry"  # at a masked step: "new" output, "zeros", "state" (h0 before any step)
    mask_reversed: bool = True  # False: the mask is not reversed with the inputs under go_backwards


_KERAS_ORDER = {"simple_rnn": "h", "lstm": "ifco", "gru": "zrh"}
_READ_ORDER = {"simple_rnn": "h", "lstm": "ifoc", "gru": "zrh"}  # how CellBatch arranges the blocks


def _groups(variants: list[Variant], attribute: str, default: Callable) -> list[tuple[Callable, slice]]:
    """``(function, the variants using it)`` for every non-default function, as slices."""
    chosen = [getattr(variant, attribute) for variant in variants]
    groups = []
    for n, function in enumerate(chosen):
        if function is default:
            continue
        if groups and groups[-1][0] is function and groups[-1][1].stop == n:
            groups[-1] = (function, slice(groups[-1][1].start, n + 1))
        else:
            groups.append((function, slice(n, n + 1)))
    return groups


def _apply(z: np.ndarray, groups: list[tuple[Callable, slice]], default: Callable) -> np.ndarray:
    out = default(z)
    for function, index in groups:
        out[index] = function(z[index])
    return out


@cache
def gate_columns(orders: tuple[str, ...], names: str, units: int) -> np.ndarray:
    """For each gate order, the kernel columns a student reads as the gates ``names``, in
    that order: ``(len(orders), len(names) * units)``."""
    blocks = np.array([[order.index(name) for name in names] for order in orders])
    return (blocks[:, :, np.newaxis] * units + np.arange(units)).reshape(len(orders), len(names) * units)


def variant_flags(variants: list, test: Callable) -> np.ndarray:
    """``(variants, 1, 1)``: whether each variant (a Variant, or a backward pass's) passes ``test``."""
    return np.array([test(v) for v in variants]).reshape(-1, 1, 1)


class CellBatch:
    """Variants of one cell computed side by side: their weights stacked on a leading axis.

    A gate order, a missing or doubled bias and a transposed recurrent kernel are changes of
    the weights; the other mistakes pick other functions for some variants. One NumPy pass
    thus computes every variant, which keeps a diagnosis within a few milliseconds. LSTM
    columns are rearranged to input, forget, output, candidate, so the three sigmoid gates
    are one contiguous block; GRU columns are z, r, h.
    """

    def __init__(self, variants: list[Variant], kernel: np.ndarray, recurrent: np.ndarray,
                 bias: np.ndarray | None, layer: str) -> None:
        """``kernel`` ``(D, kU)``, ``recurrent`` ``(U, kU)``, ``bias`` ``(kU,)``, ``(2, 3U)`` for the GRU,
        or None; ``layer`` is ``"simple_rnn"``, ``"lstm"`` or ``"gru"``."""
        self.layer, self.units = layer, recurrent.shape[0]
        orders = tuple(v.order or _KERAS_ORDER[layer] for v in variants)
        columns = gate_columns(orders, _READ_ORDER[layer], self.units)
        self.kernel = kernel[:, columns].transpose(1, 0, 2)
        transposed = variant_flags(variants, lambda v: v.transposed)
        if transposed.any():
            recurrent = np.where(transposed, recurrent.T[np.newaxis], recurrent[np.newaxis])
            self.recurrent = np.take_along_axis(recurrent, columns[:, np.newaxis, :], axis=2)
        else:
            self.recurrent = recurrent[:, columns].transpose(1, 0, 2)
        scale = np.array([v.bias for v in variants])[:, np.newaxis]
        rows = np.zeros((2, *columns.shape)) if bias is None else np.atleast_2d(bias)[:, columns] * scale
        if layer == "gru":
            rows = np.stack([_bias_rows(v.bias_rows, b0, b1) for v, b0, b1 in zip(variants, *rows)], axis=1)
        self.bias, self.recurrent_bias = rows[0][:, np.newaxis], rows[-1][:, np.newaxis]
        self.gates = _groups(variants, "gate", sigmoid)
        self.activations = _groups(variants, "activation", np.tanh)
        self.keep = 1.0 - variant_flags(variants, lambda v: v.reset_cell)
        self.swapped = variant_flags(variants, lambda v: v.swapped_cell or v.swapped_update)
        self.linear = variant_flags(variants, lambda v: v.linear_output)
        self.before = variant_flags(variants, lambda v: v.reset_before)

    def step(self, x: np.ndarray, h: np.ndarray,
             c: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
        """``(h_t, c_t, gates)`` of every variant (gates ``[i, f, g, o]`` or ``[z, r, h_tilde]``);
        ``x`` is ``(B, D)`` or ``(variants, B, D)``, ``h``, ``c`` are ``(variants, B, U)``, and so are
        ``h_t``, ``c_t`` (None but for the LSTM) and each gate."""
        if self.layer == "gru":
            return self._gru(x, h)
        z = x @ self.kernel + h @ self.recurrent + self.bias
        if self.layer == "simple_rnn":
            return _apply(z, self.activations, np.tanh), None, []
        split = 3 * self.units
        gates = _apply(z[..., :split], self.gates, sigmoid)
        i, f, o = np.split(gates, 3, axis=-1)
        g = _apply(z[..., split:], self.activations, np.tanh)
        c_prev = c * self.keep
        c_t = _where(self.swapped, lambda: f * g + i * c_prev, f * c_prev + i * g)
        return o * _where(self.linear, lambda: c_t, np.tanh(c_t)), c_t, [i, f, g, o]

    def _gru(self, x: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, None, list[np.ndarray]]:
        split = 2 * self.units
        from_input = x @ self.kernel + self.bias
        from_state = h @ self.recurrent[..., :split] + self.recurrent_bias[..., :split]
        z, r = np.split(_apply(from_input[..., :split] + from_state, self.gates, sigmoid), 2, axis=-1)
        recurrent, bias = self.recurrent[..., split:], self.recurrent_bias[..., split:]
        reset = _where(self.before, lambda: (r * h) @ recurrent + bias, r * (h @ recurrent + bias))
        candidate = _apply(from_input[..., split:] + reset, self.activations, np.tanh)
        h_t = _where(self.swapped, lambda: (1 - z) * h + z * candidate, z * h + (1 - z) * candidate)
        return h_t, None, [z, r, candidate]


def _where(flags: np.ndarray, other: Callable[[], np.ndarray], usual: np.ndarray) -> np.ndarray:
    """``usual``, with ``other()`` for the variants flagged (computed only when any is)."""
    return np.where(flags, other(), usual) if flags.any() else usual


def _bias_rows(how: str, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """The GRU bias rows ``(input, recurrent)`` as a variant uses them: ``(2, 3U)``."""
    zero = np.zeros_like(b0)
    return np.stack({"split": (b0, b1), "swapped": (b1, b0), "summed": (b0 + b1, zero),
                     "input": (b0, zero), "recurrent": (zero, b1)}[how])
