"""Where a mistake is, from the evidence of a whole exercise (NumPy only; the student
template gets a generated copy, so its public checks print the same hints).

Each case message says what is wrong with one call (:func:`casefile.compare` names the
wrong result and, where it can, the step or the rearrangement). This module looks across
an exercise's calls, hidden ones included, and says in words, never values:

- which feature of the calls separates the failing cases from the passing ones
  ("fails only with go_backwards=True", "... only with D == U", "... a Python list");
- what the other functions' results imply: ``lstm_step`` right on every case and ``lstm``
  wrong means the loop; ``lstm_gates`` right and ``lstm_step`` wrong means the cell update.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from casefile import Case

# (helper, caller, where the mistake is when the helper is right and the caller is not)
CALLERS = (
    ("simple_rnn_step", "simple_rnn", "the loop over the steps (their order, the state carried from "
                                      "one step to the next, what is returned)"),
    ("lstm_step", "lstm", "the loop over the steps (their order, the states h and c carried from "
                          "one step to the next, what is returned)"),
    ("lstm_gates", "lstm_step", "the cell update (c_t = f * c_prev + i * g, h_t = o * tanh(c_t)) "
                                "or the order of the returned (h_t, c_t)"),
    ("sigmoid", "lstm_gates", "z = x_t W + h_prev R + b, its split (along the last axis) into the "
                              "blocks i, f, g, o, or which activation each block gets"),
    ("gru_step", "gru", "the loop over the steps (their order, the state h carried from one step to "
                        "the next, what is returned)"),
    ("gru_gates", "gru_step", "the update h_t = z * h_prev + (1 - z) * h_tilde"),
)
# (forward function, its exercise, backward function, what the backward pass adds to the forward one):
# exercise 09 differentiates the functions of 02-04, graded in their own exercises.
FORWARDS = (
    ("embedding_lookup", "embedding", "embedding_backward",
     "sending each d_output row back to the row of its id, repeated ids adding up"),
    ("simple_rnn", "simple_rnn", "simple_rnn_backward",
     "the walk back through the steps (where d_output enters, the tanh derivative, dh = dz @ R.T "
     "carried to the step before, which time step each input gradient belongs to)"),
    ("lstm", "lstm", "lstm_backward",
     "the walk back through the steps (where d_output enters, the gate derivatives and their order, "
     "dh = dz @ R.T and dc * f carried to the step before)"),
)
# The exercise that grades the layers' mask=; each layer is graded without a mask in the exercise
# of its own name.
MASKING = "masking"
# The positional parameters of every student function (STUDENT_API.md; a test compares them
# with the solutions' signatures); options are keywords.
PARAMETERS = {
    "one_hot": ("indices", "depth"),
    "embedding_lookup": ("ids", "embeddings"),
    "embedding_matmul": ("ids", "embeddings"),
    "cosine_similarity": ("a", "b"),
    "simple_rnn_step": ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias"),
    "simple_rnn": ("inputs", "kernel", "recurrent_kernel", "bias"),
    "sigmoid": ("x",),
    "lstm_gates": ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias"),
    "lstm_step": ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias"),
    "lstm": ("inputs", "kernel", "recurrent_kernel", "bias"),
    "bidirectional": ("inputs", "layer", "forward_weights", "backward_weights"),
    "gru_gates": ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias"),
    "gru_step": ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias"),
    "gru": ("inputs", "kernel", "recurrent_kernel", "bias"),
    "padding_mask": ("ids",),
    "embedding_backward": ("ids", "d_output", "vocab_size"),
    "simple_rnn_backward": ("inputs", "kernel", "recurrent_kernel", "bias", "d_output"),
    "lstm_backward": ("inputs", "kernel", "recurrent_kernel", "bias", "d_output"),
    "count_params": ("layer", "input_dim", "units"),
}


def _bound(case: Case) -> dict[str, object]:
    """The call's arguments by parameter name (positional and keyword alike)."""
    return {**dict(zip(PARAMETERS.get(case.function, ()), case.args)), **case.kwargs}


def features(case: Case) -> set[str]:
    """The features of one call that a mistake may depend on, in words."""
    bound = _bound(case)
    options = ("return_sequences", "return_state", "go_backwards", "bidirectional")
    found = {f"{option}=True" for option in options if bound.get(option)}
    if bound.get("initial_state") is not None:
        found.add("initial_state given")
    if bound.get("use_bias") is False:
        found.add("use_bias=False")
    if case.function == "bidirectional":
        found.add(f"merge_mode={bound.get('merge_mode', 'concat')!r}")
    if case.function in ("bidirectional", "count_params"):
        found.add(f"layer={getattr(bound.get('layer'), 'name', bound.get('layer'))}")
    if bound.get("mask") is not None:
        found |= _mask_features(np.asarray(bound["mask"], dtype=bool))
    if "bias" in PARAMETERS.get(case.function, ()) and bound.get("bias") is None:
        found.add("no bias (bias=None)")
    first = case.args[0] if case.args else None
    number = isinstance(first, (int, float)) and not isinstance(first, bool)
    if isinstance(first, (list, tuple)) or number:
        found.add("an input that is not a NumPy array (a Python list or number)")
        found.add("a Python list as input" if not number else "a Python number as input")
    if number or (isinstance(first, np.ndarray) and first.ndim == 0):
        found.add("a scalar input (a 0-d array or a Python number)")
    if isinstance(first, np.ndarray):
        if first.size == 0:
            found.add("empty inputs")
        if first.dtype.kind == "u":
            found.add("unsigned integer ids")
    if any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in case.args):
        found.add("float32 arrays")
    return found | _shape_features(bound)


def _mask_features(mask: np.ndarray) -> set[str]:
    """What kind of padding a ``(B, T)`` mask holds, read off the mask itself."""
    found = {"mask given"}
    for row in mask.reshape(-1, mask.shape[-1]):
        kept = np.flatnonzero(row)
        if not kept.size:
            found.add("a fully masked row")
        elif kept[-1] - kept[0] + 1 != kept.size:
            found.add("a mask with holes (masked steps between unmasked ones)")
        else:
            if kept[0] > 0:
                found.add("a mask with padding at the start")
            if kept[-1] < row.size - 1:
                found.add("a mask with padding at the end")
    return found


def _shape_features(bound: dict[str, object]) -> set[str]:
    found = set()
    kernel, recurrent = bound.get("kernel"), bound.get("recurrent_kernel")
    weights = isinstance(kernel, np.ndarray) and isinstance(recurrent, np.ndarray)
    if weights and kernel.shape[0] == recurrent.shape[0]:
        found.add("D == U (as many inputs as units)")
    inputs = bound.get("inputs", bound.get("x_t"))
    if isinstance(inputs, np.ndarray) and inputs.ndim >= 2:
        if inputs.shape[0] == 1:
            found.add("B = 1")
        if inputs.ndim == 3 and inputs.shape[1] == 1:
            found.add("T = 1")
    table = bound.get("embeddings")
    if isinstance(table, np.ndarray) and table.ndim == 2 and table.shape[0] == table.shape[1]:
        found.add("a square table (V == E)")
    return found


def _unlike_the_first(cases: list[Case]) -> list[set[str]]:
    """For each call, the arguments that differ (in shape or value) from the first call's:
    a mistake that keeps something from a previous call fails exactly there."""
    def signature(value: object) -> object:
        return ("array", np.shape(value)) if isinstance(value, (np.ndarray, list)) else repr(value)

    names = PARAMETERS.get(cases[0].function, ())
    first = [signature(value) for value in cases[0].args]
    return [{f"another {name} than the first call's (is something kept from a previous call?)"
             for name, value, before in zip(names, case.args, first) if signature(value) != before}
            for case in cases]


def separating(cases: list[Case], failed: list[bool]) -> list[str]:
    """Features that every failing case has and no passing case has (or the reverse)."""
    have = [features(case) | unlike for case, unlike in zip(cases, _unlike_the_first(cases))]
    every = set().union(*have)
    hints = []
    for feature in sorted(every):
        with_it = [has for has, bad in zip(have, failed) if feature in has]
        failing_with = sum(bad for has, bad in zip(have, failed) if feature in has)
        if failing_with == sum(failed) and failing_with == len(with_it):
            hints.append(f"fails only with {feature}")
        elif failing_with == 0 and len(with_it) == len(failed) - sum(failed) and len(with_it) > 0:
            hints.append(f"fails only without {feature}")
    return hints


def hints(calls: list[tuple[Case, bool]]) -> dict[str, list[str]]:
    """Per exercise (in the order the calls come), the hints that the evidence of its
    calls supports; ``calls``: each case with whether it passed."""
    found: dict[str, list[str]] = {}
    for exercise in dict.fromkeys(case.exercise for case, _ in calls):
        mine = [(case, passed) for case, passed in calls if case.exercise == exercise]
        said = []
        for function in dict.fromkeys(case.function for case, _ in mine):
            graded = [(case, not passed) for case, passed in mine
                      if case.function == function and not case.raises]
            if any(bad for _, bad in graded) and not all(bad for _, bad in graded):
                cases, failed = (list(column) for column in zip(*graded))
                said += [f"{function}: {hint}" for hint in separating(cases, failed)]
        said += _caller_hints([(case.function, passed) for case, passed in mine])
        if exercise == MASKING:
            said += _mask_hints(calls)
        said += _forward_hints(calls, exercise)
        if said:
            found[exercise] = said
    return found


def _caller_hints(outcomes: list[tuple[str, bool]]) -> list[str]:
    passed: dict[str, bool] = {}
    for function, ok in outcomes:
        passed[function] = passed.get(function, True) and ok
    hints = []
    for helper, caller, where in CALLERS:
        if helper in passed and caller in passed and not passed[caller]:
            if passed[helper]:
                hints.append(f"{helper} is right on every case and {caller} is not: the mistake is in "
                             f"{where}")
            else:
                hints.append(f"{helper} is wrong too, and {caller} depends on it: fix {helper} first")
    return hints


def _passed_by_function(calls: list[tuple[Case, bool]]) -> dict[tuple[str, str], bool]:
    """``(exercise, function) -> whether every graded call of it passed``."""
    passed: dict[tuple[str, str], bool] = {}
    for case, ok in calls:
        key = (case.exercise, case.function)
        passed[key] = passed.get(key, True) and ok
    return passed


def _mask_hints(calls: list[tuple[Case, bool]]) -> list[str]:
    """What a layer's cases without a mask (in its own exercise) imply for its masked ones."""
    passed = _passed_by_function(calls)
    hints = []
    for (exercise, function), ok in passed.items():
        if exercise != MASKING or ok or (function, function) not in passed:
            continue
        if passed[function, function]:
            hints.append(f"{function} is right on every case without a mask and wrong with one: the mistake "
                         "is in the mask handling (the states carried over a masked step, the output "
                         "there, the mask's order under go_backwards)")
        else:
            hints.append(f"{function} is wrong without a mask too (exercise {function}): fix it there first, "
                         "the masked cases run the same code")
    return hints


def _forward_hints(calls: list[tuple[Case, bool]], exercise: str) -> list[str]:
    """What the forward functions, graded in their own exercises, imply for a wrong backward one
    of ``exercise``."""
    passed = _passed_by_function(calls)
    hints = []
    for forward, home, backward, where in FORWARDS:
        if passed.get((exercise, backward), True) or (home, forward) not in passed:
            continue
        if passed[home, forward]:
            hints.append(f"{forward} is right on every case (exercise {home}) and {backward} is not: the "
                         f"forward pass is known to be right, so the mistake is in {where}")
        else:
            hints.append(f"{forward} is wrong in exercise {home} too: if {backward} reuses it for the "
                         "forward pass, fix it there first")
    return hints
