"""The case format: storing, sending, calling, comparing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import casefile
from autograder.casefile import Call, Case, Layer, Replay


def _case(**changes) -> Case:
    base = Case(
        name="lstm/x", exercise="lstm", function="lstm",
        args=(np.arange(6.0).reshape(1, 2, 3), (np.ones(2), np.zeros((2, 2)))),
        kwargs={"return_sequences": True, "merge_mode": None, "layer": Layer("lstm")},
        returns=[np.ones((1, 2))], replays={"layer": [Call((np.ones(1),), {"go_backwards": True},
                                                          [np.zeros(3)])]},
    )
    return Case(**{**base.__dict__, **changes})


@pytest.mark.parametrize("dump,load", [
    (lambda c: casefile.dump_cases(c, {"v": 1}), lambda b: casefile.load_cases(b)[1]),
    (casefile.dump_wire, casefile.load_wire),
])
def test_cases_survive_a_round_trip(dump, load):
    """Arrays, tuples, layers, options and replays come back exactly as stored."""
    case = _case()
    (back,) = load(dump([case]))
    assert back.describe() == case.describe()
    assert np.array_equal(back.args[0], case.args[0]) and back.kwargs["layer"] == Layer("lstm")
    assert np.array_equal(back.returns[0], case.returns[0])
    assert back.replays["layer"][0].kwargs == {"go_backwards": True}


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.float32, np.float64, np.int8, np.uint16, np.bool_]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)))
def test_reports_carry_any_numeric_array(array):
    """Worker reports keep dtype, shape and every value, zero-size and 0-d arrays included."""
    report, (back,) = casefile.unpack_report(casefile.pack_report({"status": "ok"}, [array]))
    assert report == {"status": "ok"}
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind == "f")


def test_reports_refuse_object_arrays_and_truncation():
    """Only plain numeric dtypes are read back; a short payload is an error, not garbage."""
    payload = casefile.pack_report({}, [np.zeros(4)])
    forged = payload.replace(b"<f8", b"|O8")
    with pytest.raises(ValueError, match="refused"):
        casefile.unpack_report(forged)
    with pytest.raises(ValueError, match="truncated"):
        casefile.unpack_report(payload[:-8])


def test_replay_matches_positional_and_keyword_calls():
    """A replayed layer answers the same call spelled either way and falls back otherwise."""
    x, w = np.ones((1, 2, 1)), (np.ones((1, 1)), np.ones((1, 1)))
    replay = Replay("layer", [Call((x, *w), {"go_backwards": True}, [np.full(3, 7.0)])],
                    fallback=lambda *a, **k: "own layer")
    assert replay(x, *w, go_backwards=True)[0] == 7.0
    assert replay(inputs=x, kernel=w[0], recurrent_kernel=w[1], go_backwards=True)[0] == 7.0
    assert replay(x, *w) == "own layer"
    assert replay(x.astype(np.float32) + 1, *w, go_backwards=True) == "own layer"


def test_compare_names_shape_dtype_and_largest_error():
    """Messages say what differs; hidden cases leave the values out."""
    case = _case(function="one_hot", returns=[np.eye(3, dtype=np.float32)])
    assert casefile.compare(case, [np.eye(3, dtype=np.float32)]) == []
    assert "shape expected (3, 3), got (3,)" in casefile.compare(case, [np.ones(3, np.float32)])[0]
    assert "dtype expected float32, got float64" in casefile.compare(case, [np.eye(3)])[0]
    wrong = np.eye(3, dtype=np.float32)
    wrong[1, 2] = 0.5
    shown, hidden = casefile.compare(case, [wrong])[0], casefile.compare(case, [wrong], reveal=False)[0]
    assert "largest error 0.5 at index (1, 2)" in shown and "expected 0" in shown
    assert "got" not in hidden and "expected 0" not in hidden


def test_nan_is_never_close():
    """NaN where a number is expected fails, even though NaN comparisons are always False."""
    case = _case(function="cosine_similarity", returns=[np.zeros(2)])
    assert casefile.compare(case, [np.array([0.0, np.nan])])


def test_changed_inputs_are_noticed():
    """An input modified in place is reported."""
    case = _case()
    after = [a.copy() for a in casefile.input_arrays([case.args, case.kwargs])]
    assert casefile.changed_inputs(case, after) == []
    after[0][0, 0, 0] = 99
    assert casefile.changed_inputs(case, after)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_a_wrong_input_gradient_is_located_walking_back_from_the_last_processed_step(go_backwards):
    """Gradients flow back from the last processed step: the message says how many steps back
    they stay right, and gradients are named (inputs, kernel, ..., initial_state)."""
    rng = np.random.default_rng(0)
    dx = rng.standard_normal((2, 5, 3))
    returns = [dx, rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal((2, 4))]
    case = Case("backward/x", "backward", "simple_rnn_backward",
                args=(dx, None, None, None, None), kwargs={"go_backwards": go_backwards},
                returns=returns, single=False)
    got = [r.copy() for r in returns]
    right = [0, 1] if go_backwards else [3, 4]  # the two steps processed last
    got[0][:, [t for t in range(5) if t not in right]] += 1.0
    summary, message = casefile.compare(case, got)
    assert summary.startswith("inputs is wrong; kernel, recurrent_kernel, initial_state match")
    assert "right at the last 2 processed steps and wrong from time step 2 back" in message
    result = {"inputs": dx, "kernel": 0, "recurrent_kernel": 0, "bias": None, "initial_state": 0}
    assert casefile.case_outputs(case, result) != "" and len(casefile.case_outputs(case, result)) == 4
    missing = casefile.case_outputs(case, {k: v for k, v in result.items() if k != "bias"})
    assert missing == f"{casefile.NO_KEY}: 'bias'"
