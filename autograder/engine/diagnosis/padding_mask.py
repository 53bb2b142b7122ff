"""Candidate mistakes of exercise 07's padding_mask."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate, bind

_PADDING = "the mask is True where an id is not 0 (Embedding(..., mask_zero=True)), at every position"


def padding_mask_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``padding_mask`` (07)."""
    ids = np.asarray(bind(case, ("ids",))["ids"])
    real = ids != 0
    steps = np.arange(ids.shape[-1]) if ids.ndim else None
    yield f"matches the mask inverted (True at the padding): {_PADDING}", lambda: [~real]
    yield (f"matches a mask built from the sequence lengths (the count of non-zero ids): {_PADDING}, "
           "also where a 0 stands between other ids", lambda: [steps < real.sum(axis=-1, keepdims=True)])
    yield (f"matches every step after the first 0 masked: {_PADDING}",
           lambda: [np.cumprod(real, axis=-1).astype(bool)])
    yield f"matches id 1 taken as the padding id: {_PADDING}", lambda: [ids != 1]
