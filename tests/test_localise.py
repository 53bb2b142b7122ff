"""Localisation from evidence: named results, the step that goes wrong, rearranged values
(:func:`autograder.casefile.compare`), and the features that separate failing cases
(:mod:`autograder.engine.localise`). Hidden cases get the words, never values."""

from __future__ import annotations

import ast
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.casefile import Case, compare
from autograder.catalog import SOLUTIONS
from autograder.engine.localise import PARAMETERS, features, hints, separating

RNG = np.random.default_rng(5)


def _case(function: str, returns: list[np.ndarray], *args, **kwargs) -> Case:
    exercise = {"lstm_gates": "lstm", "lstm_step": "lstm", "lstm": "lstm", "one_hot": "one_hot"}.get(
        function, "simple_rnn")
    return Case("c", exercise, function, args, kwargs, returns=returns, single=len(returns) == 1)


def test_results_are_named_and_the_wrong_gate_is_told_apart():
    gates = [RNG.random((2, 3)) for _ in range(4)]
    got = [g.copy() for g in gates]
    got[1] = got[1] + 0.5
    messages = compare(_case("lstm_gates", gates), got, reveal=False)
    assert messages[0] == "f is wrong; i, g, o match"
    assert messages[1].startswith("f: 6 of 6 values differ")
    assert not any("result" in m for m in messages)


def test_swapped_results_are_named():
    h, c = RNG.random((2, 3)), RNG.random((2, 3))
    messages = compare(_case("lstm_step", [h, c]), [c, h], reveal=False)
    assert "h_t and c_t are swapped" in messages


def test_the_first_step_that_differs_is_located():
    expected = RNG.random((2, 5, 3))
    got = expected.copy()
    got[:, 2:] += 1.0
    [message] = compare(_case("simple_rnn", [expected], return_sequences=True), [got], reveal=False)
    assert "steps 0-1 match and step 2 is the first that differs" in message
    got = expected.copy()
    got[:, -1] += 1.0
    [message] = compare(_case("simple_rnn", [expected], return_sequences=True), [got], reveal=False)
    assert "only the last step (step 4) differs" in message


@pytest.mark.parametrize(("transform", "words"), [
    (lambda e: e[:, ::-1], "reversed along axis 1"),
    (lambda e: -e, "sign flipped"),
    (np.abs, "sign is lost"),
    (lambda e: np.transpose(e, (1, 0, 2)), "axes in another order"),
    (lambda e: e.reshape(-1, e.shape[-1]), "flattened or reshaped"),
    (lambda e: e[..., np.newaxis], "extra axis of size 1"),
    (lambda e: np.concatenate(np.split(e, 2, axis=-1)[::-1], axis=-1), "two halves of the last axis swapped"),
])
def test_rearranged_values_are_recognised(transform, words):
    expected = RNG.normal(size=(3, 4, 6))
    [message] = compare(_case("embedding_lookup", [expected]), [transform(expected)], reveal=False)
    assert words in message, message


def test_hidden_messages_hold_no_values():
    expected = RNG.normal(size=(2, 3, 4))
    got = expected[:, ::-1].copy()
    [hidden] = compare(_case("simple_rnn", [expected]), [got], reveal=False)
    [public] = compare(_case("simple_rnn", [expected]), [got], reveal=True)
    assert "expected" in public and "expected" not in hidden.replace("of the expected", "")
    assert re.findall(r"\d\.\d", hidden) == [], hidden  # no number with a fraction: no value


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(2, 6), st.integers(1, 4), st.integers(0, 10**6))
def test_a_right_answer_is_never_given_a_hint(batch, steps, units, seed):
    expected = np.random.default_rng(seed).normal(size=(batch, steps, units))
    assert compare(_case("simple_rnn", [expected]), [expected.copy()]) == []


def test_the_option_that_separates_failing_cases_is_named():
    x, w, r = RNG.random((2, 3, 2)), RNG.random((2, 4)), RNG.random((4, 4))
    cases = [Case(f"c{n}", "simple_rnn", "simple_rnn", (x, w, r), dict(go_backwards=n % 2 == 1))
             for n in range(4)]
    failed = [n % 2 == 1 for n in range(4)]
    assert separating(cases, failed) == ["fails only with go_backwards=True"]
    found = hints([(case, not bad) for case, bad in zip(cases, failed)])
    assert found == {"simple_rnn": ["simple_rnn: fails only with go_backwards=True"]}


def test_a_right_helper_points_at_its_caller():
    step = Case("s", "lstm", "lstm_step", ())
    whole = Case("w", "lstm", "lstm", ())
    found = hints([(step, True), (whole, False)])
    assert any(h.startswith("lstm_step is right on every case and lstm is not: the mistake is in the loop")
               for h in found["lstm"])


def test_features_of_array_likes_and_shapes():
    assert "a Python list as input" in features(Case("c", "one_hot", "one_hot", ([1, 2], 3)))
    scalar = features(Case("c", "one_hot", "one_hot", (2, 3)))
    assert "a scalar input (a 0-d array or a Python number)" in scalar
    square = features(Case("c", "simple_rnn", "simple_rnn_step",
                           (RNG.random((1, 3)), RNG.random((1, 3)), RNG.random((3, 3)), RNG.random((3, 3)))))
    assert {"D == U (as many inputs as units)", "B = 1", "no bias (bias=None)"} <= square


def test_the_parameter_table_matches_the_solutions():
    """localise.PARAMETERS names the positional parameters of every student function."""
    defined = {node.name: tuple(arg.arg for arg in node.args.args)
               for path in SOLUTIONS.glob("*.py") for node in ast.parse(path.read_text()).body
               if isinstance(node, ast.FunctionDef)}
    assert {function: defined.get(function) for function in PARAMETERS} == PARAMETERS


def test_mask_features_are_read_off_the_mask():
    """A mask's kind of padding (end, start, holes, a fully masked row) is named."""
    mask = np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1], [0, 0, 0], [1, 1, 1]], dtype=bool)
    found = features(Case("c", "masking", "gru", (RNG.random((5, 3, 2)),), {"mask": mask}))
    assert {"mask given", "a mask with padding at the end", "a mask with padding at the start",
            "a mask with holes (masked steps between unmasked ones)", "a fully masked row"} <= found
    assert "mask given" not in features(Case("c", "gru", "gru", (RNG.random((2, 3, 2)),)))


def test_count_params_features():
    """count_params calls are told apart by their layer and options."""
    found = features(Case("c", "params", "count_params", ("gru", 4, 3), {"use_bias": False,
                                                                          "bidirectional": True}))
    assert {"layer=gru", "use_bias=False", "bidirectional=True"} <= found


def test_a_layer_right_without_a_mask_points_at_the_mask_handling():
    """simple_rnn right in its own exercise and wrong with mask= points at the mask handling;
    wrong in both, at its own exercise first."""
    plain, masked = Case("p", "simple_rnn", "simple_rnn", ()), Case("m", "masking", "simple_rnn", ())
    found = hints([(plain, True), (masked, False)])
    assert any("wrong with one: the mistake is in the mask handling" in h for h in found["masking"])
    found = hints([(plain, False), (masked, False)])
    assert any("simple_rnn is wrong without a mask too" in h for h in found["masking"])


def test_backward_calls_have_the_layer_features():
    """A backward call's options and bias=None are named as for the forward layer."""
    x, w, r = RNG.random((1, 1, 2)), RNG.random((2, 3)), RNG.random((3, 3))
    options = {"return_sequences": True, "go_backwards": True, "initial_state": RNG.random((1, 3))}
    found = features(Case("c", "backward", "simple_rnn_backward", (x, w, r, None, RNG.random((1, 1, 3))),
                          options))
    assert {"return_sequences=True", "go_backwards=True", "initial_state given", "no bias (bias=None)",
            "B = 1", "T = 1"} <= found
    assert "a Python list as input" in features(Case("c", "backward", "embedding_backward",
                                                     ([1, 0], RNG.random((2, 3)), 4)))


def test_a_right_forward_layer_points_at_the_backward_walk():
    """lstm right in its own exercise and lstm_backward wrong points at the walk back; wrong in
    both, at the forward exercise first."""
    forward, backward = Case("f", "lstm", "lstm", ()), Case("b", "backward", "lstm_backward", ())
    found = hints([(forward, True), (backward, False)])
    assert any(h.startswith("lstm is right on every case (exercise lstm) and lstm_backward is not")
               for h in found["backward"])
    found = hints([(forward, False), (backward, False)])
    assert any("lstm is wrong in exercise lstm too" in h for h in found["backward"])
    assert "backward" not in hints([(forward, False), (backward, True)])
