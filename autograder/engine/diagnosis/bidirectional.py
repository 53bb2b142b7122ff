"""Candidate mistakes of Bidirectional, built from the layer outputs the oracle recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from autograder.casefile import Case, Replay
from autograder.engine.diagnosis.arguments import Candidate, bind, f64

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


def bidirectional_candidates(case: Case) -> Iterator[Candidate]:
    """Candidates for ``bidirectional`` (05, 07): the backward half, the merge, the weights."""
    a = bind(case, ("inputs", "layer", "forward_weights", "backward_weights", "merge_mode",
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
                memo[key] = f64(layer(inputs, *weights, **options))
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
