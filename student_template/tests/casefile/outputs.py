"""A function's result as the plain numeric arrays that are compared, or why it is not one."""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import Case

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


def input_arrays(value: Any) -> list[np.ndarray]:
    """Every array inside an argument list, in order (to check inputs stay unchanged)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        return [array for item in value for array in input_arrays(item)]
    if isinstance(value, dict):
        return [array for item in value.values() for array in input_arrays(item)]
    return []
