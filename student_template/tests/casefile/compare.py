"""Messages for every way a result misses the references: which result, how many values, where."""

from __future__ import annotations

import itertools

import numpy as np

from .model import LAYER_MODULES, Case
from .outputs import BACKWARD_STATES, DTYPE_GRADED, gradient_names, input_arrays
from .relations import in_time, relation
from .tolerance import close_all, errors


def _mismatch(label: str, expected: np.ndarray, got: np.ndarray, reveal: bool) -> str | None:
    if got.shape != expected.shape:
        return f"{label}: shape expected {expected.shape}, got {got.shape}"
    error, bad = errors(expected, got)
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
            found = relation(expected, got) or in_time(case, label, expected, got)
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
        if close_all(expected[a], got[b]) and close_all(expected[b], got[a]):
            found.append(f"{a} and {b} are swapped")
    sequence = got.get("output")
    if "output" in wrong and sequence is not None and sequence.ndim == 3 and case.function in LAYER_MODULES:
        for name in names[1:]:
            if close_all(expected[name], sequence[:, -1]) and name != "h_T":
                kind = "cell states" if name == "c_T" else name
                found.append(f"the sequence of outputs ends with {name}: it holds the {kind}, not h")
        steps, wanted = sequence.shape[1], case.returns[0].shape
        if len(wanted) == 3 and steps != wanted[1] and sequence.shape[::2] == wanted[::2]:
            found.append(f"the time axis has {steps} steps instead of {wanted[1]}: a loop that skips "
                         "the first step or stops before the last")
    return found


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
