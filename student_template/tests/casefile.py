"""Test cases and their fixture files: NumPy only, shared by the grader and the template.

A case is one call of one student function: positional and keyword arguments, and either
the outputs TensorFlow/Keras produced for it or the exception the contract demands.
Cases are stored as ``.cases`` files: a magic line, then (zlib-compressed) a JSON manifest
that describes the calls followed by their arrays, raw and numeric: nothing is unpickled,
and a file loads in milliseconds.

Argument values are arrays, ``None``, bools, ints, strings, tuples and lists of those, or a
:class:`Layer` (a recurrent layer passed as an argument, as ``bidirectional`` takes).
A case may also hold *replays*: outputs that the oracle computed for calls the student's
function is expected to make to a helper (``one_hot`` inside ``embedding_matmul``, the
``layer`` inside ``bidirectional``). Played back, they make the helper trusted, so a bug
in one exercise never costs points in another.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_VERSION = 1


LAYER_MODULES = ("simple_rnn", "lstm", "gru", "bidirectional")  # each defines the function of its name


def module_of(exercise: str, function: str) -> str:
    """The module of ``rnnlab`` that defines ``function`` as graded in ``exercise``: the
    exercise's own, except for the layers' ``mask=``, graded in the masking exercise."""
    return function if exercise == "masking" and function in LAYER_MODULES else exercise


@dataclass(frozen=True)
class Layer:
    """A recurrent layer passed as an argument: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``."""

    name: str


@dataclass
class Call:
    """One recorded call of a helper and the outputs the oracle gave for it."""

    args: tuple
    kwargs: dict[str, Any]
    returns: list[np.ndarray]


@dataclass
class Case:
    """One graded call of ``rnnlab.<exercise>.<function>``.

    ``returns`` holds the expected outputs (one array, or several when ``single`` is
    False: a tuple of states, the gates, or ``merge_mode=None``'s list); ``raises`` names
    the expected exception instead. ``replays`` maps a helper's name to recorded calls.
    ``hidden`` cases never show their values, nor what the code printed while they ran.
    """

    name: str
    exercise: str
    function: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    points: float = 1.0
    returns: list[np.ndarray] = field(default_factory=list)
    single: bool = True
    raises: str | None = None
    source: str = "keras"
    replays: dict[str, list[Call]] = field(default_factory=dict)
    hidden: bool = False  # inputs and references are secret (set by the grader, never stored)

    @property
    def module(self) -> str:
        """The module of ``rnnlab`` that defines the case's function."""
        return module_of(self.exercise, self.function)

    def describe(self) -> str:
        """``function(arg shapes, options)``: what was called, never the values."""
        parts = [_describe_value(value) for value in self.args]
        parts += [f"{key}={_describe_value(value)}" for key, value in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


def _describe_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"<{_dtype_name(value.dtype)} array {tuple(value.shape)}>"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe_value(item) for item in value) + ")"
    if isinstance(value, Layer):
        return value.name
    return repr(value)


@cache
def _dtype_name(dtype: np.dtype) -> str:
    return dtype.name  # NumPy computes it afresh every time


# --- files -------------------------------------------------------------------------------


class _Packer:
    """Turns values into JSON, moving every array into a dict under a fresh key."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def pack(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            key = f"a{len(self.arrays)}"
            self.arrays[key] = value
            return {"array": key}
        if isinstance(value, (tuple, list)):
            return {type(value).__name__: [self.pack(item) for item in value]}
        if isinstance(value, Layer):
            return {"layer": value.name}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise TypeError(f"cannot store {type(value).__name__} in a case file")

    def pack_call(self, args: tuple, kwargs: dict, returns: list[np.ndarray]) -> dict:
        return {
            "args": [self.pack(value) for value in args],
            "kwargs": {key: self.pack(value) for key, value in kwargs.items()},
            "returns": [self.pack(value) for value in returns],
        }


def _unpack(value: Any, arrays: Any) -> Any:
    if isinstance(value, dict):
        if "array" in value:
            return arrays[value["array"]]
        if "tuple" in value:
            return tuple(_unpack(item, arrays) for item in value["tuple"])
        if "list" in value:
            return [_unpack(item, arrays) for item in value["list"]]
        if "layer" in value:
            return Layer(value["layer"])
        raise ValueError(f"unknown value in case file: {sorted(value)}")
    return value


def _unpack_call(data: dict, arrays: Any) -> tuple[tuple, dict, list[np.ndarray]]:
    args = tuple(_unpack(value, arrays) for value in data["args"])
    kwargs = {key: _unpack(value, arrays) for key, value in data["kwargs"].items()}
    returns = [_unpack(value, arrays) for value in data["returns"]]
    return args, kwargs, returns


def _manifest(cases: list[Case], meta: dict[str, Any]) -> tuple[dict, dict[str, np.ndarray]]:
    packer = _Packer()
    entries = []
    for case in cases:
        entry = packer.pack_call(case.args, case.kwargs, case.returns)
        entry.update(
            name=case.name,
            exercise=case.exercise,
            function=case.function,
            points=case.points,
            single=case.single,
            raises=case.raises,
            source=case.source,
            replays={
                helper: [packer.pack_call(c.args, c.kwargs, c.returns) for c in calls]
                for helper, calls in case.replays.items()
            },
        )
        entries.append(entry)
    return {"format": FORMAT_VERSION, "meta": meta, "cases": entries}, packer.arrays


MAGIC, SUFFIX = b"rnnlab cases\n", ".cases"  # a case file: MAGIC, then zlib-compressed cases


def dump_cases(cases: list[Case], meta: dict[str, Any]) -> bytes:
    """A case file's bytes: the cases and free-form ``meta`` (library versions, seeds)."""
    return MAGIC + zlib.compress(_pack_cases(cases, meta), 9)


def load_cases(source: Path | bytes) -> tuple[dict[str, Any], list[Case]]:
    """Read ``(meta, cases)`` from a case file or its bytes: JSON and raw numeric arrays,
    nothing unpickled."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"not a {SUFFIX} case file (rebuild it: python -m autograder fixtures)")
    return _unpack_cases(zlib.decompress(data[len(MAGIC):]))


def dump_wire(cases: list[Case]) -> bytes:
    """Cases as one message for a worker: a case file's content, uncompressed."""
    return _pack_cases(cases, {})


def load_wire(payload: bytes) -> list[Case]:
    """Inverse of :func:`dump_wire`."""
    return _unpack_cases(payload)[1]


def _pack_cases(cases: list[Case], meta: dict[str, Any]) -> bytes:
    manifest, arrays = _manifest(cases, meta)
    return pack_report({"manifest": manifest, "keys": list(arrays)}, list(arrays.values()))


def _unpack_cases(payload: bytes) -> tuple[dict[str, Any], list[Case]]:
    report, arrays = unpack_report(payload, max_arrays=1 << 20, max_header_bytes=1 << 28)
    return _read_manifest(report["manifest"], dict(zip(report["keys"], arrays)))


def _read_manifest(manifest: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, list[Case]]:
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"case file format {manifest.get('format')}, expected {FORMAT_VERSION}")
    cases = []
    for entry in manifest["cases"]:
        args, kwargs, returns = _unpack_call(entry, arrays)
        replays = {
            helper: [Call(*_unpack_call(call, arrays)) for call in calls]
            for helper, calls in entry["replays"].items()
        }
        cases.append(
            Case(
                name=entry["name"],
                exercise=entry["exercise"],
                function=entry["function"],
                args=args,
                kwargs=kwargs,
                points=entry["points"],
                returns=returns,
                single=entry["single"],
                raises=entry["raises"],
                source=entry["source"],
                replays=replays,
            )
        )
    return manifest["meta"], cases


# --- calling -----------------------------------------------------------------------------


def _layer_signature(
    inputs,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    return_sequences=False,
    return_state=False,
    go_backwards=False,
    initial_state=None,
    mask=None,
):
    """The signature shared by ``simple_rnn``, ``lstm`` and ``gru`` (used to normalise calls)."""


def _one_hot_signature(indices, depth):
    """The signature of ``one_hot``."""


def _step_signature(x_t, h_prev, kernel, recurrent_kernel, bias=None):
    """The signature of ``simple_rnn_step`` and ``gru_step``."""


def _lstm_step_signature(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias=None):
    """The signature of ``lstm_step``."""


HELPER_SIGNATURES = {"layer": _layer_signature, "one_hot": _one_hot_signature,
                     "simple_rnn_step": _step_signature, "gru_step": _step_signature,
                     "lstm_step": _lstm_step_signature}
STEP_OF = {"simple_rnn": "simple_rnn_step", "lstm": "lstm_step", "gru": "gru_step"}


def _same(a: Any, b: Any) -> bool:
    """Exact equality of two argument values (arrays by shape and content)."""
    if isinstance(b, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception:
            return False
        return a.shape == b.shape and a.dtype.kind in "biuf" and bool(np.array_equal(a, b))
    if isinstance(b, tuple):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


class Replay:
    """A trusted stand-in for a helper: plays back the oracle's outputs for known calls.

    Calls are matched after binding them to the helper's signature, so positional and
    keyword spellings agree. An unknown call goes to ``fallback`` (the student's own
    helper) when one is given.
    """

    def __init__(self, helper: str, calls: list[Call], fallback: Callable | None) -> None:
        self._signature = inspect.signature(HELPER_SIGNATURES[helper])
        self._calls = [(self._bind(c.args, c.kwargs), c.returns) for c in calls]
        self._fallback = fallback
        self.__name__ = helper

    def _bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            request = self._bind(args, kwargs)
        except TypeError:
            request = None
        for known, returns in self._calls:
            if request is not None and all(_same(request[k], v) for k, v in known.items()):
                copies = [r.copy() for r in returns]
                return copies[0] if len(copies) == 1 else tuple(copies)
        if self._fallback is None:
            raise TypeError(f"{self.__name__} was called with arguments no correct solution passes "
                            "(the trusted helper knows only those)")
        return self._fallback(*args, **kwargs)


def _lazy(layers: Callable[[str], Callable], name: str) -> Callable:
    """The student's layer, imported only when it is first called."""

    def layer(*args: Any, **kwargs: Any) -> Any:
        return layers(name)(*args, **kwargs)

    layer.__name__ = name
    return layer


def resolve(value: Any, layers: Callable[[str], Callable], replay: Replay | None) -> Any:
    """An argument as the student's function receives it: a fresh copy, layers resolved."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(resolve(item, layers, replay) for item in value)
    if isinstance(value, Layer):
        return replay if replay is not None else _lazy(layers, value.name)
    return value


def _replaced_helpers(case: Case, module: Any) -> Iterator[str]:
    """The module attributes that play back the case's recorded calls.

    The ``one_hot`` that ``embedding.py`` imported from ``rnnlab.one_hot`` (a helper of that
    name written in the module itself is the exercise's own code), and a layer's own step
    function in the masking exercise's calls (the loop's mask handling is graded there, not
    the cell, which Exercises 03, 04 and 06 grade).
    """
    if "one_hot" in case.replays:
        imported = getattr(sys.modules.get("rnnlab.one_hot"), "one_hot", None)
        if imported is not None and getattr(module, "one_hot", None) is imported:
            yield "one_hot"
    step = STEP_OF.get(case.function)
    if step in case.replays and callable(getattr(module, step, None)):
        yield step


@contextmanager
def trusted_helpers(case: Case, module: Any) -> Iterator[None]:
    """While the call runs, the module's helpers play back the case's recorded calls.

    ``embedding_matmul`` then uses a ``one_hot`` that Keras vouches for, a masked ``lstm`` an
    ``lstm_step`` that Keras vouches for; any other call falls back to the student's own.
    The module's attributes are restored afterwards.
    """
    originals = {name: getattr(module, name) for name in _replaced_helpers(case, module)}
    for name, original in originals.items():
        setattr(module, name, Replay(name, case.replays[name], original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


def call_arguments(
    case: Case, layers: Callable[[str], Callable]
) -> tuple[tuple, dict[str, Any]]:
    """Positional and keyword arguments for the case's call.

    ``layers(name)`` returns the student's own layer function, used only where the case
    holds no replays for ``"layer"``; with replays the argument is a :class:`Replay` with no
    fallback, so that a broken layer never costs points in the function that wraps it.
    """
    replay = None
    if "layer" in case.replays:
        replay = Replay("layer", case.replays["layer"], None)
    args = tuple(resolve(value, layers, replay) for value in case.args)
    kwargs = {key: resolve(value, layers, replay) for key, value in case.kwargs.items()}
    return args, kwargs


# --- comparing -----------------------------------------------------------------------------

RTOL = ATOL = 1e-5  # |got - expected| <= ATOL + RTOL * |expected|, elementwise
DTYPE_GRADED = {"one_hot": np.float32, "padding_mask": np.bool_}


NOT_A_TUPLE, NOT_AN_ARRAY, NOT_NUMBERS = (  # how as_outputs's messages begin
    "expected a tuple or list of results", "the result cannot be turned into an array", "expected numbers")


def as_outputs(result: Any, single: bool) -> list[np.ndarray] | str:
    """A function's result as plain numeric arrays, or a message saying why it is not one
    (beginning with one of ``NOT_A_TUPLE``, ``NOT_AN_ARRAY``, ``NOT_NUMBERS``)."""
    items = [result]
    if not single:
        if not isinstance(result, (tuple, list)):
            return f"{NOT_A_TUPLE}, got {type(result).__name__}"
        items = list(result)
    arrays = []
    for item in items:
        try:
            array = np.array(item, copy=True, order="C")
        except Exception as error:  # a result that refuses to become an array
            return f"{NOT_AN_ARRAY} ({type(error).__name__})"
        if array.dtype.kind not in "biuf":
            return f"{NOT_NUMBERS}, got an array of dtype {array.dtype}"
        arrays.append(array)
    return arrays


GRADIENT_KEYS = ("inputs", "kernel", "recurrent_kernel", "bias", "initial_state")
BACKWARD_STATES = {"simple_rnn_backward": ("initial_state",),  # the initial states' gradients
                   "lstm_backward": ("initial_state h", "initial_state c")}


def gradient_names(case: Case) -> list[str]:
    """The results of a ``*_backward`` case, in order: ``bias`` only when the case has one."""
    has_bias = case.args[3] is not None  # (inputs, kernel, recurrent_kernel, bias, d_output)
    return ["inputs", "kernel", "recurrent_kernel", *(["bias"] if has_bias else []),
            *BACKWARD_STATES[case.function]]


NOT_A_DICT = f"expected a dict with the keys {', '.join(GRADIENT_KEYS)}"
NO_KEY = "the dict misses one of those keys"
BIAS_NOT_NONE = "bias: expected None, since the call has bias=None"
NOT_A_PAIR = "initial_state: expected the tuple (dh0, dc0)"
GRADIENT_MESSAGES = (NOT_A_DICT, NO_KEY, BIAS_NOT_NONE, NOT_A_PAIR)  # how their messages begin


def _gradient_items(case: Case, result: Any) -> list | str:
    """A backward function's dict as the list :func:`gradient_names` describes, or a message
    beginning with one of ``GRADIENT_MESSAGES``."""
    if not isinstance(result, dict):
        return f"{NOT_A_DICT}, got {type(result).__name__}"
    missing = [key for key in GRADIENT_KEYS if key not in result]
    if missing:
        return f"{NO_KEY}: {', '.join(repr(key) for key in missing)}"
    has_bias = case.args[3] is not None
    if not has_bias and result["bias"] is not None:
        return BIAS_NOT_NONE
    items = [result[key] for key in GRADIENT_KEYS[:3]] + ([result["bias"]] if has_bias else [])
    states = BACKWARD_STATES[case.function]
    if len(states) == 1:
        return [*items, result["initial_state"]]
    state = result["initial_state"]
    if not isinstance(state, (tuple, list)) or len(state) != len(states):
        return f"{NOT_A_PAIR}, got {type(state).__name__}"
    return [*items, *state]


def case_outputs(case: Case, result: Any) -> list[np.ndarray] | str:
    """The case's function's result as plain numeric arrays (see :func:`as_outputs`); a
    backward function's dict in the order of :func:`gradient_names`."""
    if case.function in BACKWARD_STATES:
        items = _gradient_items(case, result)
        return items if isinstance(items, str) else as_outputs(items, single=False)
    return as_outputs(result, case.single)


def _errors(expected: np.ndarray, got: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``|got - expected|`` and where it exceeds the tolerance (NaN always does); same shapes."""
    with np.errstate(all="ignore"):
        error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        return error, ~(error <= ATOL + RTOL * np.abs(expected.astype(np.float64)))


def _mismatch(label: str, expected: np.ndarray, got: np.ndarray, reveal: bool) -> str | None:
    if got.shape != expected.shape:
        return f"{label}: shape expected {expected.shape}, got {got.shape}"
    error, bad = _errors(expected, got)
    if not bad.any():
        return None
    message = f"{label}: {int(bad.sum())} of {bad.size} values differ"
    if reveal:  # sizes and places of errors tell the expected values: public cases only
        where = np.unravel_index(np.argmax(np.where(np.isnan(error), np.inf, error)), error.shape)
        where = tuple(int(i) for i in where)
        message += (f"; largest error {float(error[where]):.3g} at index {where}"
                    f" (got {float(got[where]):.6g}, expected {float(expected[where]):.6g})")
    return message


RESULT_NAMES = {"lstm_gates": ("i", "f", "g", "o"), "lstm_step": ("h_t", "c_t"),
                "simple_rnn": ("output", "h_T"), "lstm": ("output", "h_T", "c_T"),
                "bidirectional": ("forward", "backward"), "gru_gates": ("z", "r", "h_tilde"),
                "gru": ("output", "h_T")}
RECURRENT = ("simple_rnn", "lstm", "gru", "bidirectional")  # their 3-D outputs are (batch, time, units)


def result_names(case: Case) -> list[str]:
    """What each result of the case is called: ``i, f, g, o`` for ``lstm_gates``..."""
    count = len(case.returns)
    if case.function in BACKWARD_STATES:
        return gradient_names(case)
    if case.single:
        return ["output"]
    names = RESULT_NAMES.get(case.function, ())
    return list(names[:count]) if len(names) >= count else [f"result {n}" for n in range(count)]


def compare(case: Case, outputs: list[np.ndarray], reveal: bool = True) -> list[str]:
    """Messages for every way ``outputs`` miss the case's references (empty: correct).

    Each result is named (``f``, ``h_T``...), and a wrong one is located where the evidence
    allows: the first step that differs, or the right values rearranged or transformed
    (transposed, reversed, shifted, the sign lost...). ``reveal=False`` leaves out everything
    derived from the values (error sizes, their places, got and expected), for hidden cases:
    counts and words remain.
    """
    if len(outputs) != len(case.returns):
        return [f"expected {len(case.returns)} results, got {len(outputs)}"]
    messages, wrong = [], []
    names = result_names(case)
    for label, expected, got in zip(names, case.returns, outputs):
        wanted = DTYPE_GRADED.get(case.function)
        if wanted is not None and got.dtype != wanted:
            messages.append(f"{label}: dtype expected {np.dtype(wanted)}, got {got.dtype}")
        message = _mismatch(label, expected, got, reveal)
        if message:
            wrong.append(label)
            found = _relation(expected, got) or _in_time(case, label, expected, got)
            messages.append(f"{message}; {found}" if found else message)
    messages[:0] = _across_results(case, outputs, names, wrong)
    if wrong and len(wrong) < len(names):
        right = [name for name in names if name not in wrong]
        messages.insert(0, f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong; "
                           f"{', '.join(right)} {'matches' if len(right) == 1 else 'match'}")
    return messages


def _across_results(case: Case, outputs: list[np.ndarray], names: list[str], wrong: list[str]) -> list[str]:
    """What the wrong results are, read against the other expected results: two swapped, or
    a sequence whose last step is another state."""
    found = []
    expected = dict(zip(names, case.returns))
    got = dict(zip(names, outputs))
    for a, b in itertools.combinations(wrong, 2):
        if _close_all(expected[a], got[b]) and _close_all(expected[b], got[a]):
            found.append(f"{a} and {b} are swapped")
    sequence = got.get("output")
    if "output" in wrong and sequence is not None and sequence.ndim == 3 and case.function in RECURRENT:
        for name in names[1:]:
            if _close_all(expected[name], sequence[:, -1]) and name != "h_T":
                kind = "cell states" if name == "c_T" else name
                found.append(f"the sequence of outputs ends with {name}: it holds the {kind}, not h")
        steps, wanted = sequence.shape[1], case.returns[0].shape
        if len(wanted) == 3 and steps != wanted[1] and sequence.shape[::2] == wanted[::2]:
            found.append(f"the time axis has {steps} steps instead of {wanted[1]}: a loop that skips "
                         "the first step or stops before the last")
    return found


def _close_all(expected: np.ndarray, got: np.ndarray) -> bool:
    """Whether ``got`` passes the graded comparison against ``expected``."""
    return expected.shape == got.shape and not _errors(expected, got)[1].any()


def _in_time(case: Case, label: str, expected: np.ndarray, got: np.ndarray) -> str:
    """Where in time a wrong result goes wrong: a layer's outputs forwards, the input gradient
    of a backward function from the last processed step back ("" when not seen)."""
    if case.function in RECURRENT:
        return _steps(expected, got)
    if case.function in BACKWARD_STATES and label == "inputs":
        return _steps_back(expected, got, bool(case.kwargs.get("go_backwards")))
    return ""


def _steps_back(expected: np.ndarray, got: np.ndarray, go_backwards: bool) -> str:
    """Where the ``(B, T, D)`` input gradient goes wrong, walking the steps backwards."""
    if got.shape != expected.shape or expected.shape[1] < 2:
        return ""
    wrong = _errors(expected, got)[1].any(axis=(0, 2))
    walk = list(range(len(wrong))) if go_backwards else list(range(len(wrong)))[::-1]  # last processed first
    right = next((n for n, t in enumerate(walk) if wrong[t]), len(walk))
    if 0 < right < len(walk):
        return (f"right at the last {right} processed step{'s' if right > 1 else ''} and wrong from time "
                f"step {walk[right]} back: the gradient carried to earlier steps is not")
    return ""


def _steps(expected: np.ndarray, got: np.ndarray) -> str:
    """Where in time a (batch, time, units) result goes wrong, in words."""
    if expected.ndim != 3 or got.shape != expected.shape or expected.shape[1] < 2:
        return ""
    per_step = _errors(expected, got)[1].any(axis=(0, 2))
    first, steps = int(np.argmax(per_step)), len(per_step)
    if first == steps - 1:
        return f"only the last step (step {steps - 1}) differs"
    if first > 0:
        return (f"steps 0-{first - 1} match and step {first} is the first that differs: the step "
                f"is right, the recurrence (the state carried to the next step) is not")
    if not per_step[1:].all():
        return "step 0 differs already, and some later steps match"
    return ""


def _relation(expected: np.ndarray, got: np.ndarray) -> str:
    """The right values rearranged or transformed, in words ("" when none is seen)."""
    if got.size != expected.size or got.size == 0 or got.dtype.kind not in "biuf" or not expected.ndim:
        return ""
    if got.shape != expected.shape:
        if _close_all(expected.reshape(-1), got.reshape(-1)):
            extra = [n for n in got.shape if n != 1] == [n for n in expected.shape if n != 1]
            return ("the right values with an extra axis of size 1" if extra and got.ndim > expected.ndim
                    else "the right values, flattened or reshaped")
        if got.ndim == expected.ndim <= 5:  # at most 120 orders to try
            for axes in itertools.permutations(range(expected.ndim)):
                if axes != tuple(range(expected.ndim)) and _close_all(np.transpose(expected, axes), got):
                    return f"the right values with the axes in another order (axes {axes} of the expected)"
        if got.ndim == expected.ndim and expected.shape[-1] % 2 == 0:
            halves = np.split(expected, 2, axis=-1)
            for axis in range(got.ndim):
                if _close_all(np.concatenate(halves, axis=axis), got):
                    return f"the two halves of the last axis concatenated along axis {axis} instead"
        return ""
    transforms = [(f"the right values reversed along axis {axis}", lambda e, a=axis: np.flip(e, a))
                  for axis in range(expected.ndim) if expected.shape[axis] > 1]
    transforms += [
        ("the right values with the sign flipped", lambda e: -e),
        ("the absolute value of the right answer: the sign is lost", np.abs),
        ("1 - x of the right answer", lambda e: 1 - e),
        ("tanh of the right answer", np.tanh),
    ]
    if expected.ndim >= 2 and expected.shape[-1] == expected.shape[-2]:
        transforms.append(("the right values transposed (the last two axes swapped)",
                           lambda e: np.swapaxes(e, -1, -2)))
    if expected.shape[-1] % 2 == 0 and expected.shape[-1] > 1:
        transforms.append(("the right values with the two halves of the last axis swapped",
                           lambda e: np.concatenate(np.split(e, 2, axis=-1)[::-1], axis=-1)))
    with np.errstate(all="ignore"):
        for words, transform in transforms:
            if _close_all(np.asarray(transform(expected.astype(np.float64))), got):
                return words
        if expected.shape[-1] > 1:
            for shift, direction in ((1, "right"), (-1, "left")):
                moved = np.roll(expected, shift, axis=-1)
                inner = slice(1, None) if shift == 1 else slice(None, -1)  # the place that wrapped round
                if _close_all(moved[..., inner], got[..., inner]):
                    return f"the right values shifted by one place along the last axis (to the {direction})"
        if not np.isfinite(got).all() and np.isfinite(expected).all():
            return "NaN or inf where the right answer is finite (an overflow at large inputs?)"
    return ""


def input_arrays(value: Any) -> list[np.ndarray]:
    """Every array inside an argument list, in order (to check inputs stay unchanged)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in input_arrays(item)]
    if isinstance(value, dict):
        return [array for item in value.values() for array in input_arrays(item)]
    return []


def changed_inputs(case: Case, after: list[np.ndarray]) -> list[str]:
    """Messages for inputs that the call modified; ``after`` as :func:`input_arrays` gives."""
    before = input_arrays([case.args, case.kwargs])
    changed = [
        n for n, (old, new) in enumerate(zip(before, after))
        if old.shape != new.shape or not np.array_equal(old, new, equal_nan=True)
    ]
    if len(before) != len(after) or changed:
        return ["the function modified its input arrays (inputs must stay unchanged)"]
    return []


# --- messages between the grader and its workers ----------------------------------------

MAX_MESSAGE = 256 * 1024 * 1024


def kernel_layers(layers: list[str]) -> bool:
    """Whether a child's reported layers include both kernel ones, Landlock and seccomp."""
    return "seccomp" in layers and any(layer.startswith("landlock") for layer in layers)


def send_message(sock: Any, payload: bytes) -> None:
    """Send ``payload`` framed by its length (8 bytes, big-endian)."""
    sock.sendall(len(payload).to_bytes(8, "big") + payload)


def receive_message(sock: Any) -> bytes | None:
    """One framed message, or None when the other side has closed."""
    header = _receive_exactly(sock, 8)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    return _receive_exactly(sock, size)


def _receive_exactly(sock: Any, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def pack_report(report: dict[str, Any], arrays: list[np.ndarray]) -> bytes:
    """A JSON report followed by raw numeric arrays (dtype and shape in the header)."""
    header = dict(report, arrays=[[a.dtype.str, list(a.shape)] for a in arrays])
    encoded = json.dumps(header).encode()
    body = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    return len(encoded).to_bytes(8, "big") + encoded + body


MAX_REPORT_ARRAYS = 256  # results and inputs of one call: a handful in every exercise
MAX_HEADER_BYTES = 1 << 20
MAX_DIMENSIONS = 16


def unpack_report(
    payload: bytes, max_arrays: int = MAX_REPORT_ARRAYS, max_header_bytes: int = MAX_HEADER_BYTES
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Inverse of :func:`pack_report`; only plain numeric dtypes, and bounded: at most
    ``max_arrays`` arrays of at most ``MAX_DIMENSIONS`` dimensions, a header of at most
    ``max_header_bytes`` (ValueError)."""
    size = int.from_bytes(payload[:8], "big")
    if size > max_header_bytes:
        raise ValueError("report header too large")
    report = json.loads(payload[8 : 8 + size])
    described = report.pop("arrays")
    if not isinstance(described, list) or len(described) > max_arrays:
        raise ValueError("too many arrays in a report")
    offset, arrays = 8 + size, []
    for dtype_text, shape in described:
        dtype = np.dtype(dtype_text)
        if dtype.kind not in "biuf" or dtype.hasobject:
            raise ValueError(f"refused array dtype {dtype}")
        if len(shape) > MAX_DIMENSIONS or any(type(n) is not int or n < 0 for n in shape):
            raise ValueError("refused array shape")
        count = math.prod(shape)
        end = offset + count * dtype.itemsize
        if count < 0 or end > len(payload):
            raise ValueError("truncated array data")
        arrays.append(np.frombuffer(payload[offset:end], dtype=dtype).reshape(shape).copy())
        offset = end
    return report, arrays
