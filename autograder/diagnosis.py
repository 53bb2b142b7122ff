"""Name the likely mistake behind a wrong result (trusted process only).

When a case's outputs miss the references, :func:`diagnose` recomputes with NumPy, from
the case's own inputs, what known wrong implementations return (an LSTM reading its gate
blocks in another order, ``hard_sigmoid``, ``h = o * c``, the backward half of a
Bidirectional left unflipped, ``ave`` computed as a sum, a one-hot that wraps negative
indices...) and names the ones the outputs match within the graded tolerance (usually
one; two mistakes can coincide on a case). The variants of a recurrent layer are computed
together in one batched NumPy pass, so a diagnosis costs about a millisecond. Bidirectional
cases build their wrong merges from the layer outputs the oracle recorded
(``case.replays["layer"]``). Messages hold no values, so they suit hidden cases too.
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
                    f"(as tf.{case.function} does)")
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
    return " Or it ".join(matched[:3]) if matched else None


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


# --- 03 and 04: recurrent cells ----------------------------------------------------------------


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
    """A (possibly wrong) recurrent layer: how its cell computes a step and how it loops."""

    order: str = "ifco"  # the gate each block of z is read as, block by block
    gate: Callable = _sigmoid  # the LSTM's recurrent activation
    activation: Callable = np.tanh  # SimpleRNN's activation, the LSTM candidate's
    bias: float = 1.0  # 0: left out, 2: added twice
    transposed: bool = False  # h_prev @ recurrent_kernel.T
    swapped_cell: bool = False  # c = f * g + i * c_prev
    linear_output: bool = False  # h = o * c
    reset_cell: bool = False  # c_prev replaced by zeros
    initial: str = "given"  # "zeros": initial_state ignored; "swapped": read as (c_0, h_0)
    backwards: bool = True  # False: go_backwards ignored
    skip_last: bool = False  # the loop stops one step early


_SIGMOIDS = "Keras's LSTM uses the logistic sigmoid 1 / (1 + exp(-x)) as recurrent_activation"
_GATE_VARIANTS: list[tuple[str, _Variant]] = [
    (f"matches hard_sigmoid, clip(x / 6 + 0.5, 0, 1), for the gates: {_SIGMOIDS}",
     _Variant(gate=_hard_sigmoid)),
    (f"matches the old Keras 2 hard_sigmoid, clip(0.2 x + 0.5, 0, 1), for the gates: {_SIGMOIDS}",
     _Variant(gate=_hard_sigmoid_keras2)),
    (f"matches a sigmoid computed as 1 / (1 + exp(x)): {_SIGMOIDS}", _Variant(gate=_sigmoid_flipped)),
    ("matches the result without the bias: add the bias b to x_t W + h_prev U", _Variant(bias=0.0)),
    ("matches the result with the bias added twice: add b once", _Variant(bias=2.0)),
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
_COMMON_ORDERS = ("icfo", "ifoc", "fico", "cifo", "oifc", "fioc")
_ORDER_VARIANTS: list[tuple[str, _Variant]] = sorted(
    [
        (f"matches the gate blocks read in the order {', '.join(order)}: Keras orders the kernel's "
         "columns input, forget, candidate (cell), output", _Variant(order="".join(order)))
        for order in itertools.permutations("ifco") if "".join(order) != "ifco"
    ],
    key=lambda item: (item[1].order not in _COMMON_ORDERS, item[0]),
)
_SIMPLE_VARIANTS: list[tuple[str, _Variant]] = [
    ("matches ReLU in place of tanh: SimpleRNN's activation is tanh", _Variant(activation=_relu)),
    ("matches the result without the bias: add the bias b to x_t W + h_prev U", _Variant(bias=0.0)),
    ("matches the result with the bias added twice: add b once", _Variant(bias=2.0)),
    ("matches the recurrent kernel transposed (h_prev @ U.T): use it as given, h_prev @ U",
     _Variant(transposed=True)),
    ("matches the logistic sigmoid in place of tanh: SimpleRNN's activation is tanh",
     _Variant(activation=_sigmoid)),
]
_LSTM_VARIANTS = _GATE_VARIANTS + _STATE_VARIANTS + _ORDER_VARIANTS


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
def _columns(orders: tuple[str, ...], units: int) -> np.ndarray:
    """For each gate order, the kernel columns a student reads as input, forget, output,
    candidate, in that order: ``(len(orders), 4 * units)``."""
    blocks = np.array([[order.index(name) for name in "ifoc"] for order in orders])
    return (blocks[:, :, np.newaxis] * units + np.arange(units)).reshape(len(orders), 4 * units)


class _Batch:
    """Variants of one cell computed side by side: their weights stacked on a leading axis.

    A gate order, a missing or doubled bias and a transposed recurrent kernel are changes of
    the weights; the other mistakes pick other functions for some variants. One NumPy pass
    thus computes every variant, which keeps a diagnosis within a few milliseconds. LSTM
    columns are rearranged to input, forget, output, candidate, so the three sigmoid gates
    are one contiguous block.
    """

    def __init__(self, variants: list[_Variant], kernel, recurrent, bias, lstm: bool) -> None:
        self.lstm, self.units = lstm, recurrent.shape[0]
        if lstm:
            columns = _columns(tuple(v.order for v in variants), self.units)
        else:
            columns = np.tile(np.arange(recurrent.shape[1]), (len(variants), 1))
        self.kernel = kernel[:, columns].transpose(1, 0, 2)
        transposed = np.array([v.transposed for v in variants]).reshape(-1, 1, 1)
        if transposed.any():
            recurrent = np.where(transposed, recurrent.T[np.newaxis], recurrent[np.newaxis])
            self.recurrent = np.take_along_axis(recurrent, columns[:, np.newaxis, :], axis=2)
        else:
            self.recurrent = recurrent[:, columns].transpose(1, 0, 2)
        scale = np.array([v.bias for v in variants])[:, np.newaxis]
        self.bias = (np.zeros(columns.shape) if bias is None else bias[columns] * scale)[:, np.newaxis]
        self.gates = _groups(variants, "gate", _sigmoid)
        self.activations = _groups(variants, "activation", np.tanh)
        shape = (len(variants), 1, 1)
        self.keep = np.array([not v.reset_cell for v in variants], dtype=float).reshape(shape)
        self.swapped = np.array([v.swapped_cell for v in variants]).reshape(shape)
        self.linear = np.array([v.linear_output for v in variants]).reshape(shape)
        self.plain = not (self.swapped.any() or self.linear.any())

    def step(self, x, h, c) -> tuple[np.ndarray, np.ndarray | None, list[np.ndarray]]:
        """``(h_t, c_t, [i, f, g, o])`` of every variant; ``h``, ``c`` are ``(variants, B, U)``."""
        z = x @ self.kernel + h @ self.recurrent + self.bias
        if not self.lstm:
            return _apply(z, self.activations, np.tanh), None, []
        split = 3 * self.units
        gates = _apply(z[..., :split], self.gates, _sigmoid)
        i, f, o = np.split(gates, 3, axis=-1)
        g = _apply(z[..., split:], self.activations, np.tanh)
        c_prev = c * self.keep
        if self.plain:
            c_t = f * c_prev + i * g
            return o * np.tanh(c_t), c_t, [i, f, g, o]
        c_t = np.where(self.swapped, f * g + i * c_prev, f * c_prev + i * g)
        return o * np.where(self.linear, c_t, np.tanh(c_t)), c_t, [i, f, g, o]


_STEP_NAMES = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")
_LSTM_STEP_NAMES = ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")


def _weights(a: dict) -> tuple:
    bias = None if a["bias"] is None else _f64(a["bias"])
    return _f64(a["kernel"]), _f64(a["recurrent_kernel"]), bias


def _applicable(variants: list[tuple[str, _Variant]], weights: tuple) -> list[tuple[str, _Variant]]:
    """The variants that can differ from the reference for these weights."""
    _, recurrent, bias = weights
    return [
        (message, v) for message, v in variants
        if not (v.bias != 1.0 and bias is None)
        and not (v.transposed and recurrent.shape[0] != recurrent.shape[1])
    ]


def _step_candidates(function: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn_step``, ``lstm_gates`` or ``lstm_step``."""
    lstm = function != "simple_rnn_step"
    options = {"simple_rnn_step": _SIMPLE_VARIANTS, "lstm_gates": _GATE_VARIANTS + _ORDER_VARIANTS,
               "lstm_step": _LSTM_VARIANTS}[function]

    def candidates(case: Case) -> Iterator[Candidate]:
        a = _bind(case, _LSTM_STEP_NAMES if function == "lstm_step" else _STEP_NAMES)
        weights = _weights(a)
        chosen = _applicable(options, weights)
        x, h = _f64(a["x_t"]), _f64(a["h_prev"])[np.newaxis]
        c = _f64(a["c_prev"])[np.newaxis] if function == "lstm_step" else np.zeros_like(h)

        @cache
        def computed() -> tuple:
            return _Batch([v for _, v in chosen], *weights, lstm).step(x, h, c)

        def pick(n: int) -> list[np.ndarray]:
            h_t, c_t, gates = computed()
            if function == "lstm_gates":
                return [gate[n] for gate in gates]
            return [h_t[n], c_t[n]] if lstm else [h_t[n]]

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


# --- 03 and 04: whole sequences ----------------------------------------------------------------

_LAYER_NAMES = ("inputs", "kernel", "recurrent_kernel", "bias", "return_sequences", "return_state",
                "go_backwards", "initial_state")


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
        self.lstm = layer == "lstm"
        self.inputs = _f64(a["inputs"])
        self.weights = _weights(a)
        self.sequences = bool(a["return_sequences"])
        self.state = bool(a["return_state"])
        self.go_backwards = bool(a["go_backwards"])
        self.initial = a["initial_state"]
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

    def run(self) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Every variant's outputs ``(V, B, T, U)`` in processing order, its cell states, and
        how many steps each variant took."""
        if self._run is None:
            batch, steps, _ = self.inputs.shape
            zeros = np.zeros((batch, self.weights[1].shape[0]))
            starts = [self._initial(v, zeros) for v in self.variants]
            h, c = (np.stack([start[k] for start in starts]) for k in (0, 1))
            orders, lengths = [], []
            for v in self.variants:
                order = list(range(steps))[:: -1 if self.go_backwards and v.backwards else 1]
                order = order[:-1] if v.skip_last else order
                lengths.append(len(order))
                orders.append(order + [0] * (steps - len(order)))
            x = np.stack([self.inputs[:, order] for order in orders])  # (V, B, T, D)
            cell = _Batch(list(self.variants), *self.weights, self.lstm)
            hs, cs = [], []
            for t in range(steps):
                h, c_t, _ = cell.step(x[:, :, t], h, c)
                c = c if c_t is None else c_t
                hs.append(h)
                cs.append(c)
            self._run = np.stack(hs, axis=2), np.stack(cs, axis=2), lengths
        return self._run

    def results(self, n: int, assembly: _Assembly) -> list[np.ndarray]:
        """Variant ``n``'s results, assembled as ``assembly`` says."""
        hs, cs, lengths = self.run()
        steps = lengths[n]
        if steps == 0:
            return None
        outputs = hs[n][:, :steps]
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


def _layer_candidates(layer: str) -> Callable[[Case], Iterator[Candidate]]:
    def candidates(case: Case) -> Iterator[Candidate]:
        run = _Layer(layer, case)
        found = list(_structure(run))
        for message, v in _applicable(_LSTM_VARIANTS if run.lstm else _SIMPLE_VARIANTS, run.weights):
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


# --- 05 bidirectional --------------------------------------------------------------------------

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


def _bidirectional(case: Case) -> Iterator[Candidate]:
    a = _bind(case, ("inputs", "layer", "forward_weights", "backward_weights", "merge_mode",
                     "return_sequences"))
    inputs, mode, sequences = np.asarray(a["inputs"]), a["merge_mode"], bool(a["return_sequences"])
    fw, bw = tuple(a["forward_weights"]), tuple(a["backward_weights"])
    merge = _MERGES[mode]
    layer = Replay("layer", case.replays.get("layer", []), fallback=None)
    memo: dict[tuple[int, bool, bool], np.ndarray | TypeError] = {}

    def played(weights: tuple, seq: bool, backwards: bool) -> np.ndarray:
        """The oracle's output of the layer for this call (TypeError when not recorded);
        looked up once per call, since the candidates share them."""
        key = (id(weights), seq, backwards)
        if key not in memo:
            try:
                memo[key] = _f64(layer(inputs, *weights, return_sequences=seq, go_backwards=backwards))
            except TypeError as error:
                memo[key] = error
        found = memo[key]
        if isinstance(found, TypeError):
            raise found
        return found

    def pair(seq: bool) -> tuple[np.ndarray, np.ndarray]:
        backward = played(bw, seq, True)
        return played(fw, seq, False), backward[:, ::-1] if seq else backward

    if sequences:
        yield ("matches the backward outputs left in processing order: flip them back to time "
               "order (axis 1) before merging",
               lambda: merge(played(fw, True, False), played(bw, True, True)))
        yield ("matches the backward outputs flipped along the batch axis: flip them along the "
               "time axis (axis 1)", lambda: merge(played(fw, True, False), played(bw, True, True)[::-1]))
    else:
        yield ("matches the backward layer's first step (after reading x_{T-1} only): merge its "
               "final state, the one after reading x_0",
               lambda: merge(played(fw, False, False), played(bw, True, True)[:, 0]))
        yield ("matches the backward final state reversed along its units axis: flip only the "
               "sequences of return_sequences=True, along the time axis",
               lambda: merge(played(fw, False, False), played(bw, False, True)[:, ::-1]))
    if mode == "concat":
        yield ("matches the halves concatenated as [backward, forward]: Keras puts the forward "
               "output first", lambda: merge(*pair(sequences)[::-1]))
        yield ("matches the halves concatenated along axis 1 (the time axis of sequences): "
               "concatenate along the last axis", lambda: [np.concatenate(pair(sequences), axis=1)])
    for other in _MERGES:
        if other != mode:
            yield (f"matches the halves merged as {other!r} ({_MERGE_WORDS[other]}) where merge_mode "
                   f"{mode!r} asks for {_MERGE_WORDS[mode]}",
                   lambda other=other: _MERGES[other](*pair(sequences)))

    def reads_forwards(flip: bool) -> list[np.ndarray]:
        backward = played(bw, sequences, False)
        return merge(played(fw, sequences, False), backward[:, ::-1] if flip else backward)

    for flip in (True, False) if sequences else (False,):
        yield ("matches a backward layer that reads the sequence forwards: call it with "
               "go_backwards=True", lambda flip=flip: reads_forwards(flip))

    def weights_of(forward: tuple, backward: tuple) -> list[np.ndarray]:
        back = played(backward, sequences, True)
        return merge(played(forward, sequences, False), back[:, ::-1] if sequences else back)

    yield ("matches the backward layer run with the forward layer's weights: the second half of "
           "the weights belongs to the backward layer", lambda: weights_of(fw, fw))
    yield ("matches the two halves' weights swapped: the first half of the weights belongs to "
           "the forward layer", lambda: weights_of(bw, fw))


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
}
