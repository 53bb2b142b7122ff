"""Name the likely mistake behind a wrong result (trusted process only).

When a case's outputs miss the references, :func:`diagnose` recomputes with NumPy, from
the case's own inputs, what known wrong implementations return (an LSTM reading its gate
blocks in another order, ``hard_sigmoid``, ``h = o * c``, the backward half of a
Bidirectional left unflipped, ``ave`` computed as a sum, a one-hot that wraps negative
indices...) and names the ones the outputs match within the graded tolerance (usually
one; two mistakes can coincide on a case). The variants of a recurrent layer are computed
together in one batched NumPy pass, so a diagnosis costs about a millisecond. Bidirectional
cases build their wrong merges from the layer outputs the oracle recorded
(``case.replays["layer"]``). The backward passes of Exercise 09 batch their wrong variants
(the tanh derivative left out, the cell-state path dropped, d_output fed at the wrong steps...)
the same way, after one forward pass with the reference cell; when none fits, the results
that are right (the input gradient, its last steps) say where the mistake is. Messages hold
no values, so they suit hidden cases too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial

import numpy as np

from autograder.casefile import ATOL, DTYPE_GRADED, RTOL, Case, Replay

# A candidate: the message naming a mistake, and a function computing what that mistake
# returns (a list of arrays; None, or an exception, when it does not apply to the case).
Candidate = tuple[str, Callable[[], list[np.ndarray] | None]]


def diagnose(case: Case, outputs: list[np.ndarray]) -> str | None:
    """The likely mistake behind ``outputs``, in plain words, or None when none is known.

    ``outputs`` are the student's results for ``case``, already found wrong. Never raises.
    """
    try:
        return _diagnose(case, [np.asarray(output) for output in outputs])
    except Exception:  # a diagnosis is a hint: it must never break grading
        return None


def _diagnose(case: Case, outputs: list[np.ndarray]) -> str | None:
    if case.raises or not case.returns:
        return None
    if _close(case.returns, outputs):
        wanted = DTYPE_GRADED.get(case.function)
        if wanted is not None and any(output.dtype != wanted for output in outputs):
            return (f"only the dtype differs: {case.function} must return {np.dtype(wanted)} "
                    f"(as {_KERAS_DTYPES.get(case.function, 'Keras')} does)")
        return None
    candidates = CANDIDATES.get(case.function)
    if candidates is None:
        return None
    matched: list[str] = []
    with np.errstate(all="ignore"):
        for message, predict in candidates(case):
            if message in matched:
                continue
            try:
                predicted = predict()
            except Exception:  # the mistake does not apply to this case (a shape, T = 1...)
                continue
            if predicted is not None and _close(predicted, outputs):
                matched.append(message)
    # Two mistakes can give the same results on one case (a loop that stops early and the
    # output of the step before the last): name every one that fits.
    if matched:
        return " Or it ".join(matched[:3])
    return _gradient_evidence(case, outputs) if case.function in _GRADIENT_LAYERS else None


_KERAS_DTYPES = {"one_hot": "tf.one_hot", "padding_mask": "Embedding(mask_zero=True).compute_mask"}


def _close(expected: list, got: list[np.ndarray]) -> bool:
    """The graded comparison, with NaN matching NaN (a predicted NaN is a prediction)."""
    if len(expected) != len(got):
        return False
    if any(np.shape(want) != have.shape for want, have in zip(expected, got)):
        return False
    for want, have in zip(expected, got):
        if have.dtype.kind not in "biuf":
            return False
        if have.size and not _close_scalar(float(np.ravel(want)[0]), float(have.flat[0])):
            return False  # most candidates already miss at the first value: a cheap exit
    for want, have in zip(expected, got):
        want = np.asarray(want, dtype=np.float64)
        have = have.astype(np.float64)
        with np.errstate(all="ignore"):
            ok = (np.abs(have - want) <= ATOL + RTOL * np.abs(want)) | (have == want)
        if not np.all(ok | (np.isnan(have) & np.isnan(want))):
            return False
    return True


def _close_scalar(want: float, have: float) -> bool:
    return abs(have - want) <= ATOL + RTOL * abs(want) or have == want or (have != have and want != want)


def _bind(case: Case, names: tuple[str, ...]) -> dict:
    """The case's arguments by name (missing ones None), as the contract's signatures give."""
    bound = dict.fromkeys(names)
    bound.update(zip(names, case.args))
    bound.update(case.kwargs)
    return bound


def _f64(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


# --- 01 one_hot -------------------------------------------------------------------------------

_ZERO_ROW = "an index outside [0, depth) gives an all-zero row"


def _encode(indices: np.ndarray, depth: int) -> np.ndarray:
    return (indices[..., np.newaxis] == np.arange(depth)).astype(np.float32)


def _one_hot(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("indices", "depth"))
    indices, depth = np.asarray(a["indices"]).astype(np.int64), int(a["depth"])
    yield (f"matches negative indices wrapping around (as Python indexing does): {_ZERO_ROW}",
           lambda: [_encode(np.where(indices < 0, indices + depth, indices), depth)])
    yield (f"matches indices taken modulo depth: {_ZERO_ROW}",
           lambda: [_encode(indices % depth, depth)])
    yield (f"matches indices clipped into [0, depth): {_ZERO_ROW}",
           lambda: [_encode(np.clip(indices, 0, depth - 1), depth)])


# --- 02 embedding -----------------------------------------------------------------------------


def _lookup(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("ids", "embeddings"))
    ids, table = np.asarray(a["ids"]), _f64(a["embeddings"])
    yield ("matches the embedding values cast to integers: keep the table's float values",
           lambda: [np.trunc(table)[ids]])


def _matmul(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("ids", "embeddings"))
    ids, table = np.asarray(a["ids"]), _f64(a["embeddings"])
    yield ("matches a transposed embedding table (one_hot(ids, E) @ embeddings.T): the table is "
           "(V, E), so one_hot(ids, V) @ embeddings selects its rows",
           lambda: [_encode(ids, table.shape[1]) @ table.T])
    yield ("matches the embedding values cast to integers: keep the table's float values",
           lambda: [_encode(ids, table.shape[0]) @ np.trunc(table)])


def _cosine_of(a: np.ndarray, b: np.ndarray, axis: int = -1, eps: float = 1e-7) -> np.ndarray:
    norm_a = np.maximum(np.linalg.norm(a, axis=axis), eps)
    norm_b = np.maximum(np.linalg.norm(b, axis=axis), eps)
    return np.sum(a * b, axis=axis) / (norm_a * norm_b)


def _cosine(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("a", "b"))
    x, y = _f64(a["a"]), _f64(a["b"])
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


# --- 03, 04 and 06: recurrent cells ------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(x / 6.0 + 0.5, 0.0), 1.0)


def _hard_sigmoid_keras2(x: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(0.2 * x + 0.5, 0.0), 1.0)


def _sigmoid_flipped(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(x))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


@dataclass(frozen=True)
class _Variant:
    """A (possibly wrong) recurrent layer: how its cell computes a step, how it loops and
    how it treats a mask. The defaults are Keras's."""

    order: str = ""  # the gate each block of z is read as, block by block ("": Keras's order)
    gate: Callable = _sigmoid  # the LSTM's and GRU's recurrent activation
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


def _sigmoid_variants(words: str) -> list[tuple[str, _Variant]]:
    """The wrong sigmoids, ``words`` saying which one Keras uses."""
    return [
        (f"matches hard_sigmoid, clip(x / 6 + 0.5, 0, 1), for the gates: {words}",
         _Variant(gate=_hard_sigmoid)),
        (f"matches the old Keras 2 hard_sigmoid, clip(0.2 x + 0.5, 0, 1), for the gates: {words}",
         _Variant(gate=_hard_sigmoid_keras2)),
        (f"matches a sigmoid computed as 1 / (1 + exp(x)): {words}", _Variant(gate=_sigmoid_flipped)),
    ]


def _order_variants(keras: str, common: tuple[str, ...], words: str) -> list[tuple[str, _Variant]]:
    """Every other order of the gate blocks, the common ones first."""
    return sorted(
        [(f"matches the gate blocks read in the order {', '.join(order)}: {words}",
          _Variant(order="".join(order)))
         for order in itertools.permutations(keras) if "".join(order) != keras],
        key=lambda item: (item[1].order not in common, item[0]),
    )


_BIAS_VARIANTS: list[tuple[str, _Variant]] = [
    ("matches the result without the bias: add the bias b to x_t W + h_prev R", _Variant(bias=0.0)),
    ("matches the result with the bias added twice: add b once", _Variant(bias=2.0)),
]
_SIGMOIDS = "Keras's LSTM uses the logistic sigmoid 1 / (1 + exp(-x)) as recurrent_activation"
_GATE_VARIANTS: list[tuple[str, _Variant]] = [
    *_sigmoid_variants(_SIGMOIDS),
    *_BIAS_VARIANTS,
    ("matches ReLU in place of tanh for the candidate g: the LSTM candidate uses tanh",
     _Variant(activation=_relu)),
]
_STATE_VARIANTS: list[tuple[str, _Variant]] = [
    ("matches h_t = o * c_t: the new hidden state is o * tanh(c_t)", _Variant(linear_output=True)),
    ("matches c_t = f * g + i * c_prev: the forget gate scales the previous cell state and the "
     "input gate the candidate, c_t = f * c_prev + i * g", _Variant(swapped_cell=True)),
    ("matches a cell state that restarts from zero (c_prev is not used): carry c_t over to the "
     "next step, c_t = f * c_prev + i * g", _Variant(reset_cell=True)),
]
_ORDER_VARIANTS = _order_variants(
    "ifco", ("icfo", "ifoc", "fico", "cifo", "oifc", "fioc"),
    "Keras orders the kernel's columns input, forget, candidate (cell), output")
_SIMPLE_VARIANTS: list[tuple[str, _Variant]] = [
    ("matches ReLU in place of tanh: SimpleRNN's activation is tanh", _Variant(activation=_relu)),
    *_BIAS_VARIANTS,
    ("matches the recurrent kernel transposed (h_prev @ R.T): use it as given, h_prev @ R",
     _Variant(transposed=True)),
    ("matches the logistic sigmoid in place of tanh: SimpleRNN's activation is tanh",
     _Variant(activation=_sigmoid)),
]
_LSTM_VARIANTS = _GATE_VARIANTS + _STATE_VARIANTS + _ORDER_VARIANTS

_GRU_ROWS = "row 0 of the bias is added to x W, row 1 to h_prev R (inside r * (h_prev R_h + b1_h))"
_GRU_GATE_VARIANTS: list[tuple[str, _Variant]] = [
    *_sigmoid_variants("Keras's GRU uses the logistic sigmoid 1 / (1 + exp(-x)) as recurrent_activation"),
    ("matches the result without the bias: add bias[0] to x_t W and bias[1] to h_prev R", _Variant(bias=0.0)),
    ("matches the result with the bias added twice: add each row once", _Variant(bias=2.0)),
    ("matches the reset gate applied before the recurrent matmul, (r * h_prev) R_h (reset_after=False): "
     "Keras 3's GRU applies it after, r * (h_prev R_h + b1_h)", _Variant(reset_before=True)),
    (f"matches the two bias rows swapped: {_GRU_ROWS}", _Variant(bias_rows="swapped")),
    (f"matches the two bias rows summed into one added to x W: {_GRU_ROWS}", _Variant(bias_rows="summed")),
    (f"matches the input bias (row 0) only: {_GRU_ROWS}", _Variant(bias_rows="input")),
    (f"matches the recurrent bias (row 1) only: {_GRU_ROWS}", _Variant(bias_rows="recurrent")),
    ("matches ReLU in place of tanh for the candidate h_tilde: the GRU candidate uses tanh",
     _Variant(activation=_relu)),
]
_GRU_ORDER_VARIANTS = _order_variants(
    "zrh", ("rzh",), "Keras orders the kernel's columns z (update), r (reset), h (candidate); "
                     "PyTorch's r, z, n order differs")
_GRU_VARIANTS = [
    *_GRU_GATE_VARIANTS,
    ("matches h_t = (1 - z) * h_prev + z * h_tilde: in Keras z weighs the old state, "
     "h_t = z * h_prev + (1 - z) * h_tilde", _Variant(swapped_update=True)),
    *_GRU_ORDER_VARIANTS,
]
_VARIANTS = {"simple_rnn": _SIMPLE_VARIANTS, "lstm": _LSTM_VARIANTS, "gru": _GRU_VARIANTS}
_KERAS_ORDER = {"simple_rnn": "h", "lstm": "ifco", "gru": "zrh"}
_READ_ORDER = {"simple_rnn": "h", "lstm": "ifoc", "gru": "zrh"}  # how _Batch arranges the blocks


def _groups(variants: list[_Variant], attribute: str, default: Callable) -> list[tuple[Callable, slice]]:
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
def _columns(orders: tuple[str, ...], names: str, units: int) -> np.ndarray:
    """For each gate order, the kernel columns a student reads as the gates ``names``, in
    that order: ``(len(orders), len(names) * units)``."""
    blocks = np.array([[order.index(name) for name in names] for order in orders])
    return (blocks[:, :, np.newaxis] * units + np.arange(units)).reshape(len(orders), len(names) * units)


def _flags(variants: list, test: Callable) -> np.ndarray:
    """``(variants, 1, 1)``: whether each variant passes ``test``."""
    return np.array([test(v) for v in variants]).reshape(-1, 1, 1)


class _Batch:
    """Variants of one cell computed side by side: their weights stacked on a leading axis.

    A gate order, a missing or doubled bias and a transposed recurrent kernel are changes of
    the weights; the other mistakes pick other functions for some variants. One NumPy pass
    thus computes every variant, which keeps a diagnosis within a few milliseconds. LSTM
    columns are rearranged to input, forget, output, candidate, so the three sigmoid gates
    are one contiguous block; GRU columns are z, r, h.
    """

    def __init__(self, variants: list[_Variant], kernel, recurrent, bias, layer: str) -> None:
        self.layer, self.units = layer, recurrent.shape[0]
        orders = tuple(v.order or _KERAS_ORDER[layer] for v in variants)
        columns = _columns(orders, _READ_ORDER[layer], self.units)
        self.kernel = kernel[:, columns].transpose(1, 0, 2)
        transposed = _flags(variants, lambda v: v.transposed)
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
        self.gates = _groups(variants, "gate", _sigmoid)
        self.activations = _groups(variants, "activation", np.tanh)
        self.keep = 1.0 - _flags(variants, lambda v: v.reset_cell)
        self.swapped = _flags(variants, lambda v: v.swapped_cell or v.swapped_update)
        self.linear = _flags(variants, lambda v: v.linear_output)
        self.before = _flags(variants, lambda v: v.reset_before)

    def step(self, x, h, c) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
        """``(h_t, c_t, gates)`` of every variant (gates ``[i, f, g, o]`` or ``[z, r, h_tilde]``);
        ``h``, ``c`` are ``(variants, B, U)``."""
        if self.layer == "gru":
            return self._gru(x, h)
        z = x @ self.kernel + h @ self.recurrent + self.bias
        if self.layer == "simple_rnn":
            return _apply(z, self.activations, np.tanh), None, []
        split = 3 * self.units
        gates = _apply(z[..., :split], self.gates, _sigmoid)
        i, f, o = np.split(gates, 3, axis=-1)
        g = _apply(z[..., split:], self.activations, np.tanh)
        c_prev = c * self.keep
        c_t = _where(self.swapped, lambda: f * g + i * c_prev, f * c_prev + i * g)
        return o * _where(self.linear, lambda: c_t, np.tanh(c_t)), c_t, [i, f, g, o]

    def _gru(self, x, h) -> tuple[np.ndarray, None, list[np.ndarray]]:
        split = 2 * self.units
        from_input = x @ self.kernel + self.bias
        from_state = h @ self.recurrent[..., :split] + self.recurrent_bias[..., :split]
        z, r = np.split(_apply(from_input[..., :split] + from_state, self.gates, _sigmoid), 2, axis=-1)
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


_STEP_NAMES = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")
_LSTM_STEP_NAMES = ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")
# function: (the layer, the variants that apply to it, its parameters)
_STEPS = {
    "simple_rnn_step": ("simple_rnn", _SIMPLE_VARIANTS, _STEP_NAMES),
    "lstm_gates": ("lstm", _GATE_VARIANTS + _ORDER_VARIANTS, _STEP_NAMES),
    "lstm_step": ("lstm", _LSTM_VARIANTS, _LSTM_STEP_NAMES),
    "gru_gates": ("gru", _GRU_GATE_VARIANTS + _GRU_ORDER_VARIANTS, _STEP_NAMES),
    "gru_step": ("gru", _GRU_VARIANTS, _STEP_NAMES),
}


def _weights(a: dict) -> tuple:
    bias = None if a["bias"] is None else _f64(a["bias"])
    return _f64(a["kernel"]), _f64(a["recurrent_kernel"]), bias


def _applicable(variants: list[tuple[str, _Variant]], weights: tuple) -> list[tuple[str, _Variant]]:
    """The variants that can differ from the reference for these weights."""
    _, recurrent, bias = weights
    return [
        (message, v) for message, v in variants
        if not ((v.bias != 1.0 or v.bias_rows != "split") and bias is None)
        and not (v.transposed and recurrent.shape[0] != recurrent.shape[1])
    ]


def _step_candidates(function: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn_step``, ``lstm_gates``, ``lstm_step``, ``gru_gates`` or ``gru_step``."""
    layer, options, names = _STEPS[function]

    def candidates(case: Case) -> Iterator[Candidate]:
        a = _bind(case, names)
        weights = _weights(a)
        chosen = _applicable(options, weights)
        x, h = _f64(a["x_t"]), _f64(a["h_prev"])[np.newaxis]
        c = _f64(a["c_prev"])[np.newaxis] if "c_prev" in names else np.zeros_like(h)

        @cache
        def computed() -> tuple:
            return _Batch([v for _, v in chosen], *weights, layer).step(x, h, c)

        def pick(n: int) -> list[np.ndarray]:
            h_t, c_t, gates = computed()
            if function.endswith("_gates"):
                return [gate[n] for gate in gates]
            return [h_t[n], c_t[n]] if layer == "lstm" else [h_t[n]]

        for n, (message, _) in enumerate(chosen):
            yield message, partial(pick, n)

    return candidates


def _sigmoid_candidates(case: Case) -> Iterator[Candidate]:
    x = _f64(_bind(case, ("x",))["x"])
    yield f"matches hard_sigmoid, clip(x / 6 + 0.5, 0, 1): {_SIGMOIDS}", lambda: [_hard_sigmoid(x)]
    yield (f"matches the old Keras 2 hard_sigmoid, clip(0.2 x + 0.5, 0, 1): {_SIGMOIDS}",
           lambda: [_hard_sigmoid_keras2(x)])
    yield f"matches a sigmoid computed as 1 / (1 + exp(x)): {_SIGMOIDS}", lambda: [_sigmoid_flipped(x)]
    yield f"matches tanh: {_SIGMOIDS}", lambda: [np.tanh(x)]


# --- 03, 04, 06 and 07: whole sequences, masked or not -------------------------------------------

_LAYER_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "return_sequences", "return_state",
                "go_backwards", "initial_state", "mask")


@dataclass(frozen=True)
class _Assembly:
    """How a (possibly wrong) layer assembles its results from the steps' outputs."""

    sequences: bool | None = None  # None: as asked
    flip_back: bool = False  # go_backwards outputs put back in time order
    last: int = -1  # which step's output is "the last output"
    state: str = "final"  # "output": the output again; "swapped": (c_T, h_T)


class _Layer:
    """One whole-sequence case, run once for the reference and all its wrong variants."""

    def __init__(self, layer: str, case: Case) -> None:
        a = _bind(case, _LAYER_NAMES)
        self.layer, self.lstm = layer, layer == "lstm"
        self.inputs = _f64(a["inputs"])
        self.weights = _weights(a)
        self.sequences = bool(a["return_sequences"])
        self.state = bool(a["return_state"])
        self.go_backwards = bool(a["go_backwards"])
        self.initial = a["initial_state"]
        self.mask = None if a["mask"] is None else np.asarray(a["mask"], dtype=bool)
        self.variants: dict[_Variant, int] = {_Variant(): 0}
        self._run: tuple | None = None

    def variant(self, variant: _Variant) -> int:
        """The index of ``variant`` in the batch (added when new, until the batch runs)."""
        return self.variants.setdefault(variant, len(self.variants))

    def _initial(self, variant: _Variant, zeros: np.ndarray) -> list[np.ndarray]:
        if self.initial is None or variant.initial == "zeros":
            return [zeros, zeros]
        if not self.lstm:
            return [_f64(self.initial), zeros]
        states = [_f64(state) for state in self.initial]
        return states[::-1] if variant.initial == "swapped" else states

    def _orders(self, steps: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Per variant, the input step and the mask step read at each step of the loop
        ``(V, T)`` (padded with step 0 past its end), and how many steps it takes."""
        orders, masks, lengths = [], [], []
        for v in self.variants:
            order = list(range(steps))[:: -1 if self.go_backwards and v.backwards else 1]
            order = order[:-1] if v.skip_last else order
            lengths.append(len(order))
            orders.append(order + [0] * (steps - len(order)))
            masks.append(orders[-1] if v.mask_reversed else list(range(steps)))
        return np.array(orders), np.array(masks), lengths

    def run(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
        """Every variant's outputs, hidden states and cell states ``(V, B, T, U)`` in processing
        order, and how many steps each variant took."""
        if self._run is None:
            batch, steps, _ = self.inputs.shape
            zeros = np.zeros((batch, self.weights[1].shape[0]))
            variants = list(self.variants)
            starts = [self._initial(v, zeros) for v in variants]
            h, c = (np.stack([start[k] for start in starts]) for k in (0, 1))
            orders, mask_orders, lengths = self._orders(steps)
            x = self.inputs[:, orders].transpose(1, 0, 2, 3)  # (V, B, T, D)
            masking = None if self.mask is None else _Masking(variants, self.mask[:, mask_orders])
            cell = _Batch(variants, *self.weights, self.layer)
            out, outs, hs, cs = np.zeros_like(h), [], [], []
            for t in range(steps):
                h_new, c_new, _ = cell.step(x[:, :, t], h, c)
                c_new = c if c_new is None else c_new
                if masking is None:
                    h, c, out = h_new, c_new, h_new
                else:
                    h, c, out = masking.step(t, (h, c, out), (h_new, c_new))
                outs.append(out)
                hs.append(h)
                cs.append(c)
            self._run = (*(np.stack(seq, axis=2) for seq in (outs, hs, cs)), lengths)
        return self._run

    def results(self, n: int, assembly: _Assembly) -> list[np.ndarray] | None:
        """Variant ``n``'s results, assembled as ``assembly`` says."""
        outs, hs, cs, lengths = self.run()
        steps = lengths[n]
        if steps == 0:
            return None
        outputs = outs[n][:, :steps]
        states = [hs[n][:, steps - 1], cs[n][:, steps - 1]] if self.lstm else [hs[n][:, steps - 1]]
        sequences = self.sequences if assembly.sequences is None else assembly.sequences
        if assembly.flip_back and self.go_backwards:
            outputs = outputs[:, ::-1]
        output = outputs if sequences else outputs[:, assembly.last]
        if not self.state:
            return [output]
        if assembly.state == "output":
            return [output] * (1 + len(states))
        return [output, *(states[::-1] if assembly.state == "swapped" else states)]


class _Masking:
    """What every variant does at a masked step: the states and the output it keeps."""

    def __init__(self, variants: list[_Variant], mask: np.ndarray) -> None:
        self.mask = mask.transpose(1, 0, 2)[..., np.newaxis]  # (V, B, T, 1), in processing order
        self.updated = _flags(variants, lambda v: v.masked_state == "update")
        self.zeroed = _flags(variants, lambda v: v.masked_state == "zeros")
        self.cell_updated = _flags(variants, lambda v: v.masked_state in ("update", "cell"))
        self.new_output = _flags(variants, lambda v: v.masked_output == "new")
        self.zero_output = _flags(variants, lambda v: v.masked_output == "zeros")
        self.state_output = _flags(variants, lambda v: v.masked_output == "state")

    def step(self, t: int, before: tuple, new: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(h, c, output)`` after step ``t`` of the loop, from those ``before`` and the cell's
        ``new`` ``(h, c)``."""
        (h, c, out), (h_new, c_new) = before, new
        keep = self.mask[:, :, t]
        h_kept = np.where(self.updated, h_new, np.where(self.zeroed, 0.0, h))
        c_kept = np.where(self.cell_updated, c_new, np.where(self.zeroed, 0.0, c))
        h, c = np.where(keep, h_new, h_kept), np.where(keep, c_new, c_kept)
        filler = np.where(self.zero_output, 0.0, np.where(self.state_output, h, out))
        return h, c, np.where(keep | self.new_output, h_new, filler)


def _layer_candidates(layer: str) -> Callable[[Case], Iterator[Candidate]]:
    def candidates(case: Case) -> Iterator[Candidate]:
        run = _Layer(layer, case)
        found = list(_structure(run))
        if run.mask is not None:
            found += [(message, run.variant(v), _Assembly()) for message, v in _mask_variants(run)]
        for message, v in _applicable(_VARIANTS[layer], run.weights):
            found.append((message, run.variant(v), _Assembly()))
        for message, n, assembly in found:  # every variant is known before the batch runs
            yield message, partial(run.results, n, assembly)

    return candidates


def _structure(run: _Layer) -> Iterator[tuple[str, int, _Assembly]]:
    """Mistakes in the loop and in how the results are assembled: ``(message, variant, assembly)``."""
    if run.sequences:
        yield ("matches the last output only: with return_sequences=True return every step's "
               "output, shape (B, T, U)", 0, _Assembly(sequences=False))
        if run.go_backwards:
            yield ("matches the go_backwards outputs flipped back to time order: Keras returns them "
                   "in processing order (the last input's step first)", 0, _Assembly(flip_back=True))
    else:
        yield ("matches every step's output: without return_sequences return only the last "
               "output, shape (B, U)", 0, _Assembly(sequences=True))
        yield ("matches the output of the step before the last: the last output is the state "
               "after the final step", 0, _Assembly(last=-2))
    if run.state:
        yield ("matches the output returned again as the state: return_state returns the final "
               "state h_T, shape (B, U), even with return_sequences", 0, _Assembly(state="output"))
        if run.lstm:
            yield ("matches the final states returned as (c_T, h_T): Keras returns "
                   "[output, h_T, c_T]", 0, _Assembly(state="swapped"))
    if run.initial is not None:
        yield ("matches the result computed from a zero initial state: initial_state was ignored",
               run.variant(_Variant(initial="zeros")), _Assembly())
        if run.lstm:
            yield ("matches initial_state read as (c_0, h_0): Keras's LSTM takes "
                   "initial_state=[h_0, c_0]", run.variant(_Variant(initial="swapped")), _Assembly())
    if run.go_backwards:
        yield ("matches a layer that reads the sequence forwards: with go_backwards=True read it "
               "from the last step to the first", run.variant(_Variant(backwards=False)), _Assembly())
    yield ("matches a loop that stops one step early (range(T - 1)): visit all T steps",
           run.variant(_Variant(skip_last=True)), _Assembly())


_MASKED = ("at a masked step (mask False) Keras carries the states over unchanged and repeats the "
           "previous output (zeros before the first unmasked step)")


def _mask_variants(run: _Layer) -> Iterator[tuple[str, _Variant]]:
    """Mistakes in how a layer treats its ``mask``: ``(message, variant)``."""
    yield f"matches the mask ignored: {_MASKED}", _Variant(masked_state="update", masked_output="new")
    yield ("matches zeros output at the masked steps: a plain Keras layer repeats the previous "
           "step's output there (only Bidirectional with return_sequences=True gives zeros)",
           _Variant(masked_output="zeros"))
    yield ("matches the outputs of an unmasked run multiplied by the mask: at a masked step carry "
           "the states over unchanged (do not update them) and repeat the previous output",
           _Variant(masked_state="update", masked_output="zeros"))
    yield (f"matches states updated at the masked steps: {_MASKED}", _Variant(masked_state="update"))
    yield (f"matches a state reset to zeros at the masked steps: {_MASKED}",
           _Variant(masked_state="zeros", masked_output="state"))
    if run.lstm:
        yield ("matches the cell state c updated at the masked steps: carry both h and c over unchanged",
               _Variant(masked_state="cell"))
    if run.initial is not None:
        yield ("matches the state h in place of the output where no unmasked step came before (the "
               "initial state at leading masked steps, h_T for a fully masked row): Keras outputs "
               "zeros there, even with an initial_state", _Variant(masked_output="state"))
    if run.go_backwards:
        yield ("matches the mask not reversed with the inputs: with go_backwards=True the mask is "
               "read from the last step to the first too", _Variant(mask_reversed=False))


# --- 05 and 07: bidirectional ------------------------------------------------------------------

_MERGES: dict[str | None, Callable] = {
    "concat": lambda f, b: [np.concatenate([f, b], axis=-1)],
    "sum": lambda f, b: [f + b],
    "ave": lambda f, b: [(f + b) / 2],
    "mul": lambda f, b: [f * b],
    None: lambda f, b: [f, b],
}
_MERGE_WORDS = {
    "concat": "[forward, backward] along the last axis",
    "sum": "forward + backward",
    "ave": "(forward + backward) / 2",
    "mul": "forward * backward",
    None: "the list [forward, backward]",
}
_ZEROS = "with return_sequences=True Bidirectional outputs zeros at the masked steps in both halves"


def _bidirectional(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("inputs", "layer", "forward_weights", "backward_weights", "merge_mode",
                     "return_sequences", "mask"))
    inputs, mode, sequences = np.asarray(a["inputs"]), a["merge_mode"], bool(a["return_sequences"])
    fw, bw = tuple(a["forward_weights"]), tuple(a["backward_weights"])
    mask = {} if a["mask"] is None else {"mask": a["mask"]}
    keep = np.asarray(a["mask"], dtype=bool)[:, :, np.newaxis] if mask and sequences else None
    layer = Replay("layer", case.replays.get("layer", []), fallback=None)
    memo: dict[tuple[int, bool, bool], np.ndarray | TypeError] = {}

    def played(weights: tuple, seq: bool, backwards: bool) -> np.ndarray:
        """The oracle's output of the layer for this call (TypeError when not recorded);
        looked up once per call, since the candidates share them."""
        key = (id(weights), seq, backwards)
        if key not in memo:
            try:
                options = {"return_sequences": seq, "go_backwards": backwards, **mask}
                memo[key] = _f64(layer(inputs, *weights, **options))
            except TypeError as error:
                memo[key] = error
        found = memo[key]
        if isinstance(found, TypeError):
            raise found
        return found

    def merged(forward: np.ndarray, backward: np.ndarray, merge: Callable = _MERGES[mode]) -> list:
        """The halves merged, zeroed first at the masked steps as Keras does with return_sequences."""
        return merge(forward, backward) if keep is None else merge(forward * keep, backward * keep)

    def pair(seq: bool) -> tuple[np.ndarray, np.ndarray]:
        backward = played(bw, seq, True)
        return played(fw, seq, False), backward[:, ::-1] if seq else backward

    if sequences:
        yield ("matches the backward outputs left in processing order: flip them back to time "
               "order (axis 1) before merging",
               lambda: merged(played(fw, True, False), played(bw, True, True)))
        yield ("matches the backward outputs flipped along the batch axis: flip them along the "
               "time axis (axis 1)", lambda: merged(played(fw, True, False), played(bw, True, True)[::-1]))
    else:
        yield ("matches the backward layer's first step (after reading x_{T-1} only): merge its "
               "final state, the one after reading x_0",
               lambda: merged(played(fw, False, False), played(bw, True, True)[:, 0]))
        yield ("matches the backward final state reversed along its units axis: flip only the "
               "sequences of return_sequences=True, along the time axis",
               lambda: merged(played(fw, False, False), played(bw, False, True)[:, ::-1]))
    if mode == "concat":
        yield ("matches the halves concatenated as [backward, forward]: Keras puts the forward "
               "output first", lambda: merged(*pair(sequences)[::-1]))
        yield ("matches the halves concatenated along axis 1 (the time axis of sequences): "
               "concatenate along the last axis",
               lambda: merged(*pair(sequences), lambda f, b: [np.concatenate([f, b], axis=1)]))
    for other in _MERGES:
        if other != mode:
            yield (f"matches the halves merged as {other!r} ({_MERGE_WORDS[other]}) where merge_mode "
                   f"{mode!r} asks for {_MERGE_WORDS[mode]}",
                   lambda other=other: merged(*pair(sequences), _MERGES[other]))

    def reads_forwards(flip: bool) -> list[np.ndarray]:
        backward = played(bw, sequences, False)
        return merged(played(fw, sequences, False), backward[:, ::-1] if flip else backward)

    for flip in (True, False) if sequences else (False,):
        yield ("matches a backward layer that reads the sequence forwards: call it with "
               "go_backwards=True", lambda flip=flip: reads_forwards(flip))

    def weights_of(forward: tuple, backward: tuple) -> list[np.ndarray]:
        back = played(backward, sequences, True)
        return merged(played(forward, sequences, False), back[:, ::-1] if sequences else back)

    yield ("matches the backward layer run with the forward layer's weights: the second half of "
           "the weights belongs to the backward layer", lambda: weights_of(fw, fw))
    yield ("matches the two halves' weights swapped: the first half of the weights belongs to "
           "the forward layer", lambda: weights_of(bw, fw))
    if keep is not None:
        yield from _masked_merges(lambda: pair(True), keep, _MERGES[mode])


def _masked_merges(pair: Callable[[], tuple], keep: np.ndarray, merge: Callable) -> Iterator[Candidate]:
    """Mistakes in zeroing the masked steps of Bidirectional's sequences (``keep``: ``(B, T, 1)``)."""
    yield (f"matches the layers' outputs at the masked steps kept (the previous step's output): {_ZEROS}",
           lambda: merge(*pair()))
    yield (f"matches the backward half zeroed with the mask in processing order (before flipping it "
           f"back): zero it with the mask in time order, as the forward half: {_ZEROS}",
           lambda: merge(pair()[0] * keep, pair()[1] * keep[:, ::-1]))
    yield (f"matches only the forward half zeroed: {_ZEROS}", lambda: merge(pair()[0] * keep, pair()[1]))
    yield (f"matches only the backward half zeroed: {_ZEROS}", lambda: merge(pair()[0], pair()[1] * keep))


# --- 07 padding masks --------------------------------------------------------------------------

_PADDING = "the mask is True where an id is not 0 (Embedding(..., mask_zero=True)), at every position"


def _padding_mask(case: Case) -> Iterator[Candidate]:
    ids = np.asarray(_bind(case, ("ids",))["ids"])
    real = ids != 0
    steps = np.arange(ids.shape[-1]) if ids.ndim else None
    yield f"matches the mask inverted (True at the padding): {_PADDING}", lambda: [~real]
    yield (f"matches a mask built from the sequence lengths (the count of non-zero ids): {_PADDING}, "
           "also where a 0 stands between other ids", lambda: [steps < real.sum(axis=-1, keepdims=True)])
    yield (f"matches every step after the first 0 masked: {_PADDING}",
           lambda: [np.cumprod(real, axis=-1).astype(bool)])
    yield f"matches id 1 taken as the padding id: {_PADDING}", lambda: [ids != 1]


# --- 08 parameter counts -----------------------------------------------------------------------

_BLOCKS = {"simple_rnn": 1, "lstm": 4, "gru": 3}  # the weight blocks of each layer (its gates)
_COUNTED = ("kernel (D, kU), recurrent_kernel (U, kU) and bias (kU,), with k = 1 for SimpleRNN, "
            "4 for LSTM, 3 for GRU, whose bias (reset_after=True) is (2, 3U)")


def _count_params(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("layer", "input_dim", "units", "use_bias", "bidirectional"))
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


# --- 09 backpropagation through time -------------------------------------------------------------

_REPEATED = ("matches one contribution kept per repeated id (dW[ids] = d_output or dW[ids] += d_output): "
             "an id used twice collects both, np.add.at(dW, ids, d_output)")


def _embedding_backward(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("ids", "d_output", "vocab_size"))
    ids, vocab = np.asarray(a["ids"]).reshape(-1).astype(np.int64), int(a["vocab_size"])
    d = _f64(a["d_output"]).reshape(ids.size, -1)

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


@dataclass(frozen=True)
class _Backprop:
    """A (possibly wrong) backward pass of SimpleRNN or LSTM; the defaults are right."""

    derivative: str = "h"  # SimpleRNN: 1 - h_t**2; "none": dz = dh; "z": 1 - z_t**2; "prev": 1 - h_prev**2
    skip: int | None = None  # the processing step the backward loop never visits (0, or -1 the last)
    feed: str = "asked"  # d_output: at "every" step, the "last" only, or read in "time" order
    carried: bool = True  # False: dh from the step after is dropped (reset or replaced at each step)
    cell: str = "carry"  # LSTM: "zero": dc for the step before is 0; "restart": dc starts from dh only
    cell_derivative: str = "tanh"  # LSTM: dc += dh * o * ("tanh" 1 - tanh(c)**2, "c" 1 - c**2, "none" 1)
    candidate: str = "tanh"  # LSTM: "sigmoid": the candidate's derivative g * (1 - g)
    forget_with: str = "c_prev"  # LSTM: "c_t": df = dc * c_t * f (1 - f)
    order: str = "ifco"  # LSTM: the order in which the gate blocks of dz are concatenated


@dataclass(frozen=True)
class _Gathered:
    """How a (possibly wrong) backward pass assembles its results."""

    dx_processing: bool = False  # the input gradient left in processing order
    zero_states: str = ""  # the initial states whose gradients are given as zeros: "h c", or "c" only
    batch_mean: bool = False  # the weights' gradients divided by the batch size


_GATE_ORDER = "Keras orders the kernel's columns input, forget, candidate (cell), output"
_ZERO_H0 = ("matches a zero gradient for the initial state: return the dh sent back from the first "
            "step, dz @ R.T (also when initial_state is None)")
_BACKPROP_COMMON: list[tuple[str, _Backprop]] = [
    ("matches a backward loop that stops one step early (range(T - 1, 0, -1)): the first processed "
     "step, and the initial state through it, get nothing: visit all T steps", _Backprop(skip=0)),
    ("matches a backward loop that leaves out the last processed step (range(T - 2, -1, -1)): start "
     "at the last step, n = T - 1", _Backprop(skip=-1)),
    ("matches dh not carried back from the step after (dh reset, or replaced by d_output, at each "
     "step): dh = dh + d_output[:, n], where dh is dz @ R.T from the step after", _Backprop(carried=False)),
]
_SIMPLE_BACKPROPS: list[tuple[str, _Backprop]] = [
    ("matches dz = dh, the tanh derivative left out: dz = dh * (1 - h_t**2)", _Backprop(derivative="none")),
    ("matches 1 - z_t**2 in place of the tanh derivative: dz = dh * (1 - h_t**2), h_t = tanh(z_t)",
     _Backprop(derivative="z")),
    ("matches the tanh derivative of the previous state, 1 - h_prev**2: use the step's own state, "
     "dz = dh * (1 - h_t**2)", _Backprop(derivative="prev")),
    *_BACKPROP_COMMON,
]
_LSTM_BACKPROPS: list[tuple[str, _Backprop]] = [
    ("matches the cell-state path dropped (dc for the step before set to zero): carry dc = dc * f "
     "back to the step before", _Backprop(cell="zero")),
    ("matches dc restarting at each step from dh only: add dh * o * (1 - tanh(c_t)**2) to the dc "
     "carried from the step after (dc * f)", _Backprop(cell="restart")),
    ("matches dc += dh * o, the tanh derivative left out: dc += dh * o * (1 - tanh(c_t)**2)",
     _Backprop(cell_derivative="none")),
    ("matches 1 - c_t**2 in place of 1 - tanh(c_t)**2 in dc += dh * o * (1 - tanh(c_t)**2)",
     _Backprop(cell_derivative="c")),
    ("matches the candidate's derivative taken as a sigmoid's, g * (1 - g): g = tanh(z_c), so its "
     "derivative is 1 - g**2", _Backprop(candidate="sigmoid")),
    ("matches the forget gate's gradient computed with c_t: it is dc * c_prev * f * (1 - f)",
     _Backprop(forget_with="c_t")),
    *_BACKPROP_COMMON,
    *[(f"matches the gate gradients concatenated in the order {', '.join(order)}: dz must keep the "
       f"kernel's column order i, f, c, o ({_GATE_ORDER})", _Backprop(order=order))
      for order in ("ifoc", "icfo", "fico", "cifo", "oifc", "fioc")],
]


def _feeds(sequences: bool, go_backwards: bool) -> list[tuple[str, _Backprop]]:
    """The mistakes in where ``d_output`` enters the steps, for the case's options."""
    if not sequences:
        return [("matches d_output added at every step: without return_sequences only the last state "
                 "is output, so d_output enters at the last step only", _Backprop(feed="every"))]
    found = [("matches d_output added at the last step only: with return_sequences every step's state "
              "is output, so d_output[:, n] enters at every step n", _Backprop(feed="last"))]
    if go_backwards:
        found.append(("matches d_output read in time order under go_backwards: the outputs are in "
                      "processing order, so processed step n gets d_output[:, n]", _Backprop(feed="time")))
    return found


def _gatherings(run: _Backward) -> Iterator[tuple[str, _Gathered]]:
    """The mistakes in how the right gradients are assembled, for the case."""
    if run.go_backwards:
        yield ("matches the input gradient left in processing order: under go_backwards step n read "
               "x[:, T-1-n], so its gradient goes to dx[:, T-1-n]", _Gathered(dx_processing=True))
    yield _ZERO_H0, _Gathered(zero_states="h c")
    if run.lstm:
        yield ("matches a zero gradient for c_0: return the dc sent back from the first step, dc * f",
               _Gathered(zero_states="c"))
    yield ("matches the weights' gradients divided by the batch size: L = sum(output * d_output) is "
           "a sum over the batch, not a mean", _Gathered(batch_mean=True))


_BACKWARD_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "d_output", "return_sequences",
                   "go_backwards", "initial_state")


class _Backward:
    """One ``*_backward`` case: the forward pass once, then every backward variant batched."""

    def __init__(self, layer: str, case: Case) -> None:
        a = _bind(case, _BACKWARD_NAMES)
        self.layer, self.lstm = layer, layer == "lstm"
        self.x, self.weights, self.d_output = _f64(a["inputs"]), _weights(a), _f64(a["d_output"])
        self.sequences, self.go_backwards = bool(a["return_sequences"]), bool(a["go_backwards"])
        self.initial = a["initial_state"]
        # the wrong backward passes that apply to the case; variant n + 1 is mistake n
        self.mistakes = [*(_LSTM_BACKPROPS if self.lstm else _SIMPLE_BACKPROPS),
                         *_feeds(self.sequences, self.go_backwards)]
        self.variants = [_Backprop(), *(v for _, v in self.mistakes)]
        self._run: tuple | None = None

    def forward(self) -> list[dict[str, np.ndarray]]:
        """Per processing step: ``x``, ``h_prev``, ``h`` and ``z`` (SimpleRNN) or the gates, ``c_prev``
        and ``c`` (LSTM), from the reference cell of the forward exercises."""
        batch, steps, _ = self.x.shape
        kernel, recurrent, bias = self.weights
        zeros = np.zeros((batch, recurrent.shape[0]))
        if self.initial is None:
            h, c = zeros, zeros
        elif self.lstm:
            h, c = (_f64(state) for state in self.initial)
        else:
            h, c = _f64(self.initial), zeros
        cell = _Batch([_Variant()], *self.weights, self.layer)
        saved = []
        for t in self._order(steps):
            h_new, c_new, gates = cell.step(self.x[:, t], h[np.newaxis], c[np.newaxis])
            step = {"x": self.x[:, t], "h_prev": h, "h": h_new[0], "c_prev": c}
            if self.lstm:
                step.update(zip("ifgo", (gate[0] for gate in gates)), c=c_new[0])
            else:
                step["z"] = self.x[:, t] @ kernel + h @ recurrent + (0.0 if bias is None else bias)
            saved.append(step)
            h, c = h_new[0], c if c_new is None else c_new[0]
        return saved

    def _order(self, steps: int) -> list[int]:
        return list(range(steps))[:: -1 if self.go_backwards else 1]

    def _visited(self, steps: int) -> np.ndarray:
        """``(V, T)``: whether each variant's backward loop visits each processing step."""
        skipped = [-1 if v.skip is None else v.skip % steps for v in self.variants]
        return np.arange(steps) != np.array(skipped)[:, np.newaxis]

    def _fed(self, steps: int) -> np.ndarray:
        """``(V, T, B, U)``: what each variant adds to dh at each processing step."""
        d, last = self.d_output, (np.arange(steps) == steps - 1)[:, np.newaxis, np.newaxis]
        fed = []
        for v in self.variants:
            if not self.sequences:
                fed.append(np.broadcast_to(d, (steps, *d.shape)) * (1.0 if v.feed == "every" else last))
                continue
            per_step = d[:, self._order(steps) if v.feed == "time" else slice(None)].transpose(1, 0, 2)
            fed.append(per_step * last if v.feed == "last" else per_step)
        return np.stack(fed) * self._visited(steps)[:, :, np.newaxis, np.newaxis]

    def run(self) -> tuple[np.ndarray, ...]:
        """Every variant's ``(dx, dW, dR, db, dh0, dc0)``, stacked on a leading axis (computed once)."""
        if self._run is None:
            self._run = self._backpropagate(self.forward())
        return self._run

    def _backpropagate(self, saved: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, ...]:
        steps, (kernel, recurrent, _) = len(saved), self.weights
        count, (batch, _, _), units = len(self.variants), self.x.shape, recurrent.shape[0]
        fed, visited, order = self._fed(steps), self._visited(steps), self._order(steps)
        carried = _flags(self.variants, lambda v: v.carried)
        local = self._lstm_local() if self.lstm else self._simple_local()
        dh, dc = np.zeros((count, batch, units)), np.zeros((count, batch, units))
        dx = np.zeros((count, *self.x.shape))
        dW, dR = np.zeros((count, *kernel.shape)), np.zeros((count, *recurrent.shape))
        db = np.zeros((count, recurrent.shape[1]))
        for n in range(steps - 1, -1, -1):
            step, on = saved[n], visited[:, n, np.newaxis, np.newaxis]
            dz, dc_back = local(step, dh * carried + fed[:, n], dc)
            dz = dz * on
            dx[:, :, order[n]] = dz @ kernel.T
            dW += step["x"].T @ dz
            dR += step["h_prev"].T @ dz
            db += dz.sum(axis=1)
            dh, dc = np.where(on, dz @ recurrent.T, dh), np.where(on, dc_back, dc)
        return dx, dW, dR, db, dh, dc

    def _simple_local(self) -> Callable:
        """``(step, dh, dc) -> (dz, dc)`` of every SimpleRNN variant: ``dz`` ``(V, B, U)``."""
        none, of_z, prev = (_flags(self.variants, lambda v, k=k: v.derivative == k)
                            for k in ("none", "z", "prev"))

        def local(step: dict, dh: np.ndarray, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            derivative = np.where(none, 1.0, np.where(of_z, 1.0 - step["z"] ** 2, np.where(
                prev, 1.0 - step["h_prev"] ** 2, 1.0 - step["h"] ** 2)))
            return dh * derivative, dc

        return local

    def _lstm_local(self) -> Callable:
        """``(step, dh, dc) -> (dz, dc for the step before)`` of every LSTM variant: ``dz`` ``(V, B, 4U)``."""
        flag = partial(_flags, self.variants)
        restart, zero = flag(lambda v: v.cell == "restart"), flag(lambda v: v.cell == "zero")
        plain, of_c = flag(lambda v: v.cell_derivative == "none"), flag(lambda v: v.cell_derivative == "c")
        sigmoid_like = flag(lambda v: v.candidate == "sigmoid")
        with_c = flag(lambda v: v.forget_with == "c_t")
        units = self.weights[1].shape[0]
        columns = np.stack([_columns(("ifco",), v.order, units)[0] for v in self.variants])[:, np.newaxis]

        def local(step: dict, dh: np.ndarray, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            i, f, g, o, c = (step[k] for k in "ifgoc")
            squashed = np.tanh(c)
            derivative = np.where(plain, 1.0, np.where(of_c, 1.0 - c**2, 1.0 - squashed**2))
            dc = np.where(restart, 0.0, dc) + dh * o * derivative
            dz = np.concatenate([dc * g * i * (1 - i), dc * np.where(with_c, c, step["c_prev"]) * f * (1 - f),
                                 dc * i * np.where(sigmoid_like, g * (1 - g), 1 - g**2),
                                 dh * squashed * o * (1 - o)], axis=-1)
            return np.take_along_axis(dz, columns, axis=2), np.where(zero, 0.0, dc * f)

        return local

    def results(self, n: int, gathered: _Gathered) -> list[np.ndarray]:
        """Variant ``n``'s results, in the order of ``casefile.gradient_names``."""
        dx, dW, dR, db, dh, dc = (result[n] for result in self.run())
        if gathered.dx_processing:
            dx = dx[:, ::-1]
        if gathered.batch_mean:
            dW, dR, db = (grad / self.x.shape[0] for grad in (dW, dR, db))
        states = [dh, dc] if self.lstm else [dh]
        zeroed = gathered.zero_states.split()
        states = [np.zeros_like(s) if name in zeroed else s for name, s in zip("hc", states)]
        return [dx, dW, dR, *([] if self.weights[2] is None else [db]), *states]


_GRADIENT_LAYERS = {"simple_rnn_backward": "simple_rnn", "lstm_backward": "lstm"}
_RECURRENCE = ("the step's own gradient is right, the recurrence is not: dh = dz @ R.T (and, in the "
               "LSTM, dc * f) carried to the step before, added to what d_output sends there")


def _gradient_evidence(case: Case, outputs: list[np.ndarray]) -> str | None:
    """What the right and wrong results of a backward case say when no known mistake fits."""
    expected = [np.asarray(want) for want in case.returns]
    right = [_close([want], [have]) for want, have in zip(expected, outputs)]
    states = 2 if case.function == "lstm_backward" else 1
    if all(right[:-states]):
        return ("matches every gradient but the initial state's: it is what the first processed step "
                "sends back, dz @ R.T (and dc * f for c_0), also when initial_state is None")
    if right[0]:
        return ("matches the right input gradient with wrong weight gradients: dz is right, so look at "
                "how the steps add up into dW += x_t.T @ dz, dR += h_prev.T @ dz, db += sum(dz, axis=0)")
    order = slice(None, None, -1) if _bind(case, _BACKWARD_NAMES)["go_backwards"] else slice(None)
    want, have = expected[0][:, order], outputs[0][:, order]  # (B, T, D) in processing order
    if want.shape != have.shape or want.shape[1] < 2:
        return None
    good = [_close([want[:, n]], [have[:, n]]) for n in range(want.shape[1])]
    if good[-1] and not all(good):
        return f"matches the input gradient of the last processed step, not of all before: {_RECURRENCE}"
    return None


def _backward_candidates(layer: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn_backward`` or ``lstm_backward``: one batched backward pass."""

    def candidates(case: Case) -> Iterator[Candidate]:
        run = _Backward(layer, case)
        found = [(message, n + 1, _Gathered()) for n, (message, _) in enumerate(run.mistakes)]
        found += [(message, 0, gathered) for message, gathered in _gatherings(run)]
        # dh not carried, and the initial state's gradient zero as well (dh = 0 after each step)
        found += [(message, n + 1, _Gathered(zero_states="h c"))
                  for n, (message, v) in enumerate(run.mistakes) if not v.carried]
        for message, n, gathered in found:
            yield message, partial(run.results, n, gathered)

    return candidates


# --- the table ---------------------------------------------------------------------------------

CANDIDATES: dict[str, Callable[[Case], Iterator[Candidate]]] = {
    "one_hot": _one_hot,
    "embedding_lookup": _lookup,
    "embedding_matmul": _matmul,
    "cosine_similarity": _cosine,
    "simple_rnn_step": _step_candidates("simple_rnn_step"),
    "simple_rnn": _layer_candidates("simple_rnn"),
    "sigmoid": _sigmoid_candidates,
    "lstm_gates": _step_candidates("lstm_gates"),
    "lstm_step": _step_candidates("lstm_step"),
    "lstm": _layer_candidates("lstm"),
    "bidirectional": _bidirectional,
    "gru_gates": _step_candidates("gru_gates"),
    "gru_step": _step_candidates("gru_step"),
    "gru": _layer_candidates("gru"),
    "padding_mask": _padding_mask,
    "count_params": _count_params,
    "embedding_backward": _embedding_backward,
    "simple_rnn_backward": _backward_candidates("simple_rnn"),
    "lstm_backward": _backward_candidates("lstm"),
}
