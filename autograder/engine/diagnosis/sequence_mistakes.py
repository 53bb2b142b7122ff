"""Candidate mistakes of the whole-sequence layers: the loop, the results' assembly, the mask."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate
from autograder.engine.diagnosis.cell import Variant
from autograder.engine.diagnosis.cell_mistakes import LAYER_VARIANTS, applicable
from autograder.engine.diagnosis.sequence import Assembly, LayerRun


def layer_candidates(layer: str) -> Callable[[Case], Iterator[Candidate]]:
    """Candidates for ``simple_rnn``, ``lstm`` or ``gru``: one batched run of the layer."""

    def candidates(case: Case) -> Iterator[Candidate]:
        run = LayerRun(layer, case)
        found = list(_structure(run))
        if run.mask is not None:
            found += [(message, run.variant(v), Assembly()) for message, v in _mask_variants(run)]
        for message, v in applicable(LAYER_VARIANTS[layer], run.weights):
            found.append((message, run.variant(v), Assembly()))
        for message, n, assembly in found:  # every variant is known before the batch runs
            yield message, partial(run.results, n, assembly)

    return candidates


def _structure(run: LayerRun) -> Iterator[tuple[str, int, Assembly]]:
    """Mistakes in the loop and in how the results are assembled: ``(message, variant, assembly)``."""
    if run.sequences:
        yield ("matches the last output only: with return_sequences=True return every step's "
               "output, shape (B, T, U)", 0, Assembly(sequences=False))
        if run.go_backwards:
            yield ("matches the go_backwards outputs flipped back to time order: Keras returns them "
                   "in processing order (the last input's step first)", 0, Assembly(flip_back=True))
    else:
        yield ("matches every step's output: without return_sequences return only the last "
               "output, shape (B, U)", 0, Assembly(sequences=True))
        yield ("matches the output of the step before the last: the last output is the state "
               "after the final step", 0, Assembly(last=-2))
    if run.state:
        yield ("matches the output returned again as the state: return_state returns the final "
               "state h_T, shape (B, U), even with return_sequences", 0, Assembly(state="output"))
        if run.lstm:
            yield ("matches the final states returned as (c_T, h_T): Keras returns "
                   "[output, h_T, c_T]", 0, Assembly(state="swapped"))
    if run.initial is not None:
        yield ("matches the result computed from a zero initial state: initial_state was ignored",
               run.variant(Variant(initial="zeros")), Assembly())
        if run.lstm:
            yield ("matches initial_state read as (c_0, h_0): Keras's LSTM takes "
                   "initial_state=[h_0, c_0]", run.variant(Variant(initial="swapped")), Assembly())
    if run.go_backwards:
        yield ("matches a layer that reads the sequence forwards: with go_backwards=True read it "
               "from the last step to the first", run.variant(Variant(backwards=False)), Assembly())
    yield ("matches a loop that stops one step early (range(T - 1)): visit all T steps",
           run.variant(Variant(skip_last=True)), Assembly())


_MASKED = ("at a masked step (mask False) Keras carries the states over unchanged and repeats the "
           "previous output (zeros before the first unmasked step)")


def _mask_variants(run: LayerRun) -> Iterator[tuple[str, Variant]]:
    """Mistakes in how a layer treats its ``mask``: ``(message, variant)``."""
    yield f"matches the mask ignored: {_MASKED}", Variant(masked_state="update", masked_output="new")
    yield ("matches zeros output at the masked steps: a plain Keras layer repeats the previous "
           "step's output there (only Bidirectional with return_sequences=True gives zeros)",
           Variant(masked_output="zeros"))
    yield ("matches the outputs of an unmasked run multiplied by the mask: at a masked step carry "
           "the states over unchanged (do not update them) and repeat the previous output",
           Variant(masked_state="update", masked_output="zeros"))
    yield (f"matches states updated at the masked steps: {_MASKED}", Variant(masked_state="update"))
    yield (f"matches a state reset to zeros at the masked steps: {_MASKED}",
           Variant(masked_state="zeros", masked_output="state"))
    if run.lstm:
        yield ("matches the cell state c updated at the masked steps: carry both h and c over unchanged",
               Variant(masked_state="cell"))
    if run.initial is not None:
        yield ("matches the state h in place of the output where no unmasked step came before (the "
               "initial state at leading masked steps, h_T for a fully masked row): Keras outputs "
               "zeros there, even with an initial_state", Variant(masked_output="state"))
    if run.go_backwards:
        yield ("matches the mask not reversed with the inputs: with go_backwards=True the mask is "
               "read from the last step to the first too", Variant(mask_reversed=False))
