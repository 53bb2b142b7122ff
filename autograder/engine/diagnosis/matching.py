"""The entry point: try a case's candidate mistakes and name those its outputs match."""

from __future__ import annotations

import numpy as np

from autograder.casefile import DTYPE_GRADED, Case
from autograder.engine.diagnosis.compare import close
from autograder.engine.diagnosis.evidence import GRADIENT_LAYERS, gradient_evidence
from autograder.engine.diagnosis.table import CANDIDATES


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
    if close(case.returns, outputs):
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
            if predicted is not None and close(predicted, outputs):
                matched.append(message)
    # Two mistakes can give the same results on one case (a loop that stops early and the
    # output of the step before the last): name every one that fits.
    if matched:
        return " Or it ".join(matched[:3])
    return gradient_evidence(case, outputs) if case.function in GRADIENT_LAYERS else None


_KERAS_DTYPES = {"one_hot": "tf.one_hot", "padding_mask": "Embedding(mask_zero=True).compute_mask"}
