"""A case filled in: the oracle's outputs, and the replays that make a student's helpers trusted
(the calls a correct function makes to ``one_hot``, to the wrapped layer, to a layer's step)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from autograder.casefile import STEP_OF, Call, Case
from autograder.references import oracle


def _layer_replays(case: Case) -> list[Call]:
    """The wrapped layer's outputs for every call a correct ``bidirectional`` may make.

    Inputs as given (forwards or ``go_backwards``) or reversed by hand, either half's
    weights, with or without ``return_sequences``.
    """
    inputs, layer, forward, backward = case.args
    mask = case.kwargs.get("mask")
    flipped = None if mask is None else np.ascontiguousarray(mask[:, ::-1])
    calls = []
    for weights in (forward, backward):
        for sequences in (False, True):
            plans = ((inputs, mask, False), (inputs, mask, True), (inputs[:, ::-1], flipped, False))
            for x, m, backwards in plans:
                x = np.ascontiguousarray(x)
                options = {"return_sequences": sequences, "go_backwards": backwards}
                if m is not None:
                    options["mask"] = m
                outputs = oracle.sequence(layer.name)(x, *weights, **options)
                calls.append(Call((x, *weights), options, outputs))
    return calls


def _step_replays(case: Case) -> list[Call]:
    """The cell's outputs for every step a correct masked ``simple_rnn``, ``lstm`` or ``gru``
    computes: all rows at once, in processing order, from the states carried over the
    masked steps (so that the masking exercise grades the loop, never the cell)."""
    inputs, *weights = case.args
    mask = np.asarray(case.kwargs["mask"], bool)
    batch, steps, _ = inputs.shape
    zeros = np.zeros((batch, weights[1].shape[0]))
    initial = case.kwargs.get("initial_state")
    if case.function == "lstm":
        states = [zeros, zeros] if initial is None else [np.asarray(s, np.float64) for s in initial]
    else:
        states = [zeros if initial is None else np.asarray(initial, np.float64)]
    step = oracle.lstm_step if case.function == "lstm" else oracle.step(case.function)
    calls = []
    order = range(steps - 1, -1, -1) if case.kwargs.get("go_backwards") else range(steps)
    for t in order:
        x_t = np.ascontiguousarray(inputs[:, t])
        new = step(x_t, *states, *weights)
        calls.append(Call((x_t, *states, *weights), {}, new))
        states = [np.where(mask[:, t, None], n, s) for n, s in zip(new, states, strict=True)]
    return calls


def _replays(case: Case) -> dict[str, list[Call]]:
    if case.function == "embedding_matmul":
        ids, table = case.args
        depth = int(table.shape[0])
        return {"one_hot": [Call((ids, depth), {}, oracle.one_hot(ids, depth))]}
    if case.function == "bidirectional":
        return {"layer": _layer_replays(case)}
    if case.exercise == "masking" and case.function in STEP_OF:
        return {STEP_OF[case.function]: _step_replays(case)}
    return {}


def solve(case: Case) -> Case:
    """The case with the oracle's outputs (and trusted helpers' replays) filled in. A case
    that must raise gets the replays too: a function that calls its helper before raising
    then gets the trusted helper, not the student's own (a broken layer must not cost
    points in bidirectional)."""
    if case.raises:
        return replace(case, replays=_replays(case))
    returns = oracle.ORACLES[case.function](*case.args, **case.kwargs)
    single = len(returns) == 1 and case.function not in oracle.SEVERAL
    return replace(case, returns=returns, single=single, replays=_replays(case))
