"""What a wrong result is, from the evidence: the right values rearranged or transformed, or
the first step in time that goes wrong."""

from __future__ import annotations

import itertools

import numpy as np

from .model import LAYER_MODULES, Case
from .outputs import BACKWARD_STATES
from .tolerance import close_all, errors


def in_time(case: Case, label: str, expected: np.ndarray, got: np.ndarray) -> str:
    """Where in time a wrong result goes wrong: a layer's outputs forwards, the input gradient
    of a backward function from the last processed step back ("" when not seen)."""
    if case.function in LAYER_MODULES:
        return _steps(expected, got)
    if case.function in BACKWARD_STATES and label == "inputs":
        return _steps_back(expected, got, bool(case.kwargs.get("go_backwards")))
    return ""


def _steps_back(expected: np.ndarray, got: np.ndarray, go_backwards: bool) -> str:
    """Where the ``(B, T, D)`` input gradient goes wrong, walking the steps backwards."""
    if got.shape != expected.shape or expected.shape[1] < 2:
        return ""
    wrong = errors(expected, got)[1].any(axis=(0, 2))
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
    per_step = errors(expected, got)[1].any(axis=(0, 2))
    first, steps = int(np.argmax(per_step)), len(per_step)
    if first == steps - 1:
        return f"only the last step (step {steps - 1}) differs"
    if first > 0:
        return (f"steps 0-{first - 1} match and step {first} is the first that differs: the step "
                f"is right, the recurrence (the state carried to the next step) is not")
    if not per_step[1:].all():
        return "step 0 differs already, and some later steps match"
    return ""


def relation(expected: np.ndarray, got: np.ndarray) -> str:
    """The right values rearranged or transformed, in words ("" when none is seen)."""
    if got.size != expected.size or got.size == 0 or got.dtype.kind not in "biuf" or not expected.ndim:
        return ""
    if got.shape != expected.shape:
        if close_all(expected.reshape(-1), got.reshape(-1)):
            extra = [n for n in got.shape if n != 1] == [n for n in expected.shape if n != 1]
            return ("the right values with an extra axis of size 1" if extra and got.ndim > expected.ndim
                    else "the right values, flattened or reshaped")
        if got.ndim == expected.ndim <= 5:  # at most 120 orders to try
            for axes in itertools.permutations(range(expected.ndim)):
                if axes != tuple(range(expected.ndim)) and close_all(np.transpose(expected, axes), got):
                    return f"the right values with the axes in another order (axes {axes} of the expected)"
        if got.ndim == expected.ndim and expected.shape[-1] % 2 == 0:
            halves = np.split(expected, 2, axis=-1)
            for axis in range(got.ndim):
                if close_all(np.concatenate(halves, axis=axis), got):
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
            if close_all(np.asarray(transform(expected.astype(np.float64))), got):
                return words
        if expected.shape[-1] > 1:
            for shift, direction in ((1, "right"), (-1, "left")):
                moved = np.roll(expected, shift, axis=-1)
                inner = slice(1, None) if shift == 1 else slice(None, -1)  # the place that wrapped round
                if close_all(moved[..., inner], got[..., inner]):
                    return f"the right values shifted by one place along the last axis (to the {direction})"
        if not np.isfinite(got).all() and np.isfinite(expected).all():
            return "NaN or inf where the right answer is finite (an overflow at large inputs?)"
    return ""
