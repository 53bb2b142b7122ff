"""The contract's error behaviour and NumPy-only properties of the solutions (no TensorFlow)."""

import warnings

import numpy as np
import pytest
from helpers import assert_close, rnn_shapes, seeds
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes
from rnnlab.bidirectional import bidirectional
from rnnlab.embedding import cosine_similarity, embedding_lookup, embedding_matmul
from rnnlab.lstm import lstm, lstm_gates, lstm_step, sigmoid
from rnnlab.one_hot import one_hot
from rnnlab.simple_rnn import simple_rnn, simple_rnn_step

PROPERTY = settings(max_examples=40, deadline=None)
EMBEDDING_FUNCTIONS = pytest.mark.parametrize("function", [embedding_lookup, embedding_matmul])
RECURRENT = [pytest.param(simple_rnn, 1, marks=pytest.mark.simple_rnn, id="simple_rnn"),
             pytest.param(lstm, 4, marks=pytest.mark.lstm, id="lstm")]
MERGE_MODES = ["concat", "sum", "ave", "mul", None]


def close(got, expected):
    assert_close(got, expected, rtol=1e-12, atol=1e-12, keras=False)


def rnn_weights(rng, D, U, k, use_bias=True):
    weights = [rng.normal(size=(D, k * U)) * 0.5, rng.normal(size=(U, k * U)) * 0.5]
    if use_bias:
        weights.append(rng.normal(size=(k * U,)) * 0.5)
    return weights


# 01 one-hot: errors and edge cases ---------------------------------------------------------


@pytest.mark.one_hot
@pytest.mark.parametrize(
    "indices",
    [np.array([1.0]), np.array([True]), [0.5], 1.0, True, np.array([[0, 1]], dtype=np.float32),
     np.zeros(0), ["1"]],
    ids=["float-array", "bool-array", "float-list", "float-scalar", "bool-scalar", "float32",
         "empty-float", "strings"],
)
def test_one_hot_rejects_non_integer_indices(indices):
    """one_hot raises TypeError for float, bool and other non-integer indices."""
    with pytest.raises(TypeError):
        one_hot(indices, 3)


@pytest.mark.one_hot
@pytest.mark.parametrize("depth", [0, -1])
def test_one_hot_rejects_depth_below_one(depth):
    """one_hot raises ValueError for depth < 1."""
    with pytest.raises(ValueError):
        one_hot([0, 1], depth)


@pytest.mark.one_hot
@pytest.mark.parametrize(
    ("indices", "shape"),
    [(2, (4,)), (np.int64(-1), (4,)), (np.uint8(3), (4,)), (np.zeros(0, int), (0, 4)),
     (np.zeros((3, 0), int), (3, 0, 4))],
    ids=["int", "int64-negative", "uint8", "empty", "empty-2d"],
)
def test_one_hot_takes_scalars_and_empty_arrays(indices, shape):
    """one_hot works for scalars and empty arrays: shape S + (depth,), float32."""
    got = one_hot(indices, 4)
    assert got.shape == shape
    assert got.dtype == np.float32


@pytest.mark.one_hot
@PROPERTY
@given(seed=seeds, depth=st.integers(1, 9), shape=array_shapes(min_dims=0, max_dims=3,
                                                              min_side=0, max_side=5))
def test_one_hot_rows_sum_to_one_inside_and_zero_outside(seed, depth, shape):
    """one_hot rows sum to 1 for indices in [0, depth) and to 0 outside, negatives included."""
    indices = np.random.default_rng(seed).integers(-depth - 2, 2 * depth + 2, size=shape)
    got = one_hot(indices, depth)
    assert got.shape == (*shape, depth)
    inside = (indices >= 0) & (indices < depth)
    np.testing.assert_array_equal(got.sum(axis=-1), inside.astype(np.float32))
    assert set(np.unique(got)) <= {0.0, 1.0}


@pytest.mark.one_hot
@PROPERTY
@given(depth=st.integers(1, 9), i=st.integers(-3, 12), j=st.integers(-3, 12))
def test_one_hot_vectors_are_orthonormal(depth, i, j):
    """one_hot(i) . one_hot(j) == (i == j) for indices in range, 0 if either is outside."""
    dot = float(one_hot(i, depth) @ one_hot(j, depth))
    assert dot == float(i == j and 0 <= i < depth)


# 02 embedding: errors and properties -------------------------------------------------------


@pytest.mark.embedding
@EMBEDDING_FUNCTIONS
@pytest.mark.parametrize("ids", [-1, 5, [0, -1], [[4, 5]], np.array([[0], [-1]])],
                         ids=["-1", "V", "list-minus-1", "nested-V", "array-minus-1"])
def test_embedding_rejects_ids_outside_vocabulary(function, ids):
    """embedding_lookup and embedding_matmul raise IndexError for ids -1 and V."""
    table = np.arange(15.0).reshape(5, 3)
    with pytest.raises(IndexError):
        function(ids, table)


@pytest.mark.embedding
@EMBEDDING_FUNCTIONS
@pytest.mark.parametrize("ids", [0, 4, [0, 4], [[4, 0, 2]], np.zeros(0, int)],
                         ids=["0", "V-1", "list", "nested", "empty"])
def test_embedding_accepts_valid_ids(function, ids):
    """embedding_lookup and embedding_matmul return the rows table[ids] for ids in [0, V)."""
    table = np.arange(15.0).reshape(5, 3)
    np.testing.assert_array_equal(function(ids, table), table[np.asarray(ids, dtype=int)])


@pytest.mark.embedding
@PROPERTY
@given(seed=seeds, vocab=st.integers(1, 10), width=st.integers(1, 6),
       shape=array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_embedding_lookup_equals_embedding_matmul(seed, vocab, width, shape, dtype):
    """embedding_lookup == embedding_matmul (one-hot times weights) for random ids."""
    rng = np.random.default_rng(seed)
    table = rng.normal(size=(vocab, width)).astype(dtype)
    ids = rng.integers(0, vocab, size=shape)
    got = embedding_lookup(ids, table)
    assert got.shape == (*shape, width)
    np.testing.assert_array_equal(got, embedding_matmul(ids, table))


@pytest.mark.embedding
def test_cosine_similarity_of_zero_vectors_is_zero():
    """cosine_similarity is 0, not NaN and without warnings, when either vector is zero."""
    a = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 2.0], [3.0, 0.0, 4.0]])
    b = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5], [0.0, 0.0, 0.0], [6.0, 0.0, 8.0]])
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        got = cosine_similarity(a, b)
    close(got, [0.0, 0.0, 0.0, 1.0])
    close(cosine_similarity([0.0, 0.0], [0.0, 0.0]), 0.0)


# 05 bidirectional: errors and merge modes ----------------------------------------------------


@pytest.mark.bidirectional
@pytest.mark.parametrize("merge_mode", ["max", "", "Concat", "average"])
def test_bidirectional_rejects_unknown_merge_mode(merge_mode):
    """bidirectional raises ValueError for a merge_mode outside concat/sum/ave/mul/None."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4))
    forward, backward = rnn_weights(rng, 4, 5, 1), rnn_weights(rng, 4, 5, 1)
    with pytest.raises(ValueError):
        bidirectional(x, simple_rnn, forward, backward, merge_mode=merge_mode)


@pytest.mark.bidirectional
@pytest.mark.parametrize(("layer", "k"), RECURRENT)
@settings(max_examples=25, deadline=None)
@given(shape=rnn_shapes(), seed=seeds, return_sequences=st.booleans(), use_bias=st.booleans())
def test_bidirectional_merge_modes_combine_forward_and_backward(layer, k, shape, seed,
                                                                return_sequences, use_bias):
    """merge_mode None gives [fwd, bwd]; concat, sum, ave and mul combine exactly those two."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    forward, backward = rnn_weights(rng, D, U, k, use_bias), rnn_weights(rng, D, U, k, use_bias)
    merged = {mode: bidirectional(x, layer, forward, backward, merge_mode=mode,
                                  return_sequences=return_sequences) for mode in MERGE_MODES}
    fwd, bwd = merged[None]
    shape_out = (B, T, U) if return_sequences else (B, U)
    assert np.shape(fwd) == np.shape(bwd) == shape_out
    close(fwd, layer(x, *forward, return_sequences=return_sequences))
    close(merged["concat"], np.concatenate([fwd, bwd], axis=-1))
    close(merged["sum"], fwd + bwd)
    close(merged["ave"], (fwd + bwd) / 2)
    close(merged["mul"], fwd * bwd)


# 03 SimpleRNN and 04 LSTM: sequence properties ----------------------------------------------


@pytest.mark.simple_rnn
@PROPERTY
@given(shape=rnn_shapes(), seed=seeds, return_sequences=st.booleans(), use_bias=st.booleans())
def test_simple_rnn_go_backwards_equals_reversed_input(shape, seed, return_sequences, use_bias):
    """simple_rnn(x, go_backwards=True) equals simple_rnn(x[:, ::-1]), outputs included."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    weights = rnn_weights(rng, D, U, 1, use_bias)
    h0 = rng.normal(size=(B, U)) * 0.5
    backwards = simple_rnn(x, *weights, return_sequences=return_sequences, return_state=True,
                           go_backwards=True, initial_state=h0)
    reversed_input = simple_rnn(x[:, ::-1], *weights, return_sequences=return_sequences,
                                return_state=True, initial_state=h0)
    for got, expected in zip(backwards, reversed_input, strict=True):
        close(got, expected)


@pytest.mark.parametrize(("layer", "k"), RECURRENT)
@PROPERTY
@given(shape=rnn_shapes(), seed=seeds, go_backwards=st.booleans())
def test_last_step_of_sequence_equals_final_output(layer, k, shape, seed, go_backwards):
    """The last step of return_sequences=True equals the return_sequences=False output and h_T."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    weights = rnn_weights(rng, D, U, k)
    sequence, h_T, *_ = layer(x, *weights, return_sequences=True, return_state=True,
                              go_backwards=go_backwards)
    final = layer(x, *weights, go_backwards=go_backwards)
    assert np.shape(sequence) == (B, T, U)
    assert np.shape(final) == (B, U)
    close(sequence[:, -1], final)
    close(h_T, final)


@pytest.mark.lstm
def test_sigmoid_is_stable_and_symmetric_for_large_inputs():
    """sigmoid stays in [0, 1] without overflow warnings, sigmoid(-x) = 1 - sigmoid(x)."""
    x = np.array([-1e300, -1e4, -710.0, -89.0, -1.0, 0.0, 1.0, 89.0, 710.0, 1e4, 1e300])
    for dtype in (np.float64, np.float32):
        values = x.astype(dtype) if dtype == np.float64 else np.clip(x, -3e38, 3e38).astype(dtype)
        with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise",
                                                    divide="raise"):
            warnings.simplefilter("error")
            got = sigmoid(values)
            mirrored = sigmoid(-values)
        assert np.all((got >= 0) & (got <= 1))
        assert np.all(np.diff(got) >= 0)
        assert float(got[x.size // 2]) == 0.5
        assert_close(got + mirrored, np.ones_like(got), rtol=0, atol=1e-6, keras=False)


# every function: inputs unchanged ------------------------------------------------------------


def _one_hot_call(rng, B, T, D, U):
    return one_hot, (rng.integers(-2, 8, size=(B, T)), 6), {}


def _embedding_call(function):
    def make(rng, B, T, D, U):
        return function, (rng.integers(0, 6, size=(B, T)), rng.normal(size=(6, D))), {}

    return make


def _cosine_call(rng, B, T, D, U):
    a, b = rng.normal(size=(B, T, D)), rng.normal(size=(B, T, D))
    a[0, 0] = 0.0
    return cosine_similarity, (a, b), {}


def _step_call(function, k, cell_state=False):
    def make(rng, B, T, D, U):
        states = [rng.normal(size=(B, U)) for _ in range(2 if cell_state else 1)]
        return function, (rng.normal(size=(B, D)), *states, *rnn_weights(rng, D, U, k)), {}

    return make


def _sequence_call(function, k):
    def make(rng, B, T, D, U):
        states = [rng.normal(size=(B, U)) for _ in range(k // 4 + 1)]
        initial_state = states[0] if k == 1 else tuple(states)
        options = {"return_sequences": True, "return_state": True, "go_backwards": True,
                   "initial_state": initial_state}
        return function, (rng.normal(size=(B, T, D)), *rnn_weights(rng, D, U, k)), options

    return make


def _bidirectional_call(rng, B, T, D, U):
    forward, backward = rnn_weights(rng, D, U, 4), rnn_weights(rng, D, U, 4)
    args = (rng.normal(size=(B, T, D)), lstm, tuple(forward), tuple(backward))
    return bidirectional, args, {"return_sequences": True}


def _sigmoid_call(rng, B, T, D, U):
    return sigmoid, (rng.normal(size=(B, T)) * 1000,), {}


CALLS = [
    pytest.param(_one_hot_call, marks=pytest.mark.one_hot, id="one_hot"),
    pytest.param(_embedding_call(embedding_lookup), marks=pytest.mark.embedding,
                 id="embedding_lookup"),
    pytest.param(_embedding_call(embedding_matmul), marks=pytest.mark.embedding,
                 id="embedding_matmul"),
    pytest.param(_cosine_call, marks=pytest.mark.embedding, id="cosine_similarity"),
    pytest.param(_step_call(simple_rnn_step, 1), marks=pytest.mark.simple_rnn,
                 id="simple_rnn_step"),
    pytest.param(_sequence_call(simple_rnn, 1), marks=pytest.mark.simple_rnn, id="simple_rnn"),
    pytest.param(_step_call(lstm_gates, 4), marks=pytest.mark.lstm, id="lstm_gates"),
    pytest.param(_step_call(lstm_step, 4, cell_state=True), marks=pytest.mark.lstm,
                 id="lstm_step"),
    pytest.param(_sequence_call(lstm, 4), marks=pytest.mark.lstm, id="lstm"),
    pytest.param(_sigmoid_call, marks=pytest.mark.lstm, id="sigmoid"),
    pytest.param(_bidirectional_call, marks=pytest.mark.bidirectional, id="bidirectional"),
]


def _arrays(value):
    """Every ndarray inside value (tuples and lists searched too)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _arrays(item)]
    return []


@pytest.mark.parametrize("make_call", CALLS)
@settings(max_examples=15, deadline=None)
@given(shape=rnn_shapes(), seed=seeds)
def test_inputs_are_unchanged(make_call, shape, seed):
    """Every function leaves its input arrays (weights and states included) unchanged."""
    function, args, kwargs = make_call(np.random.default_rng(seed), *shape)
    inputs = _arrays(list(args)) + _arrays(list(kwargs.values()))
    copies = [a.copy() for a in inputs]
    function(*args, **kwargs)
    for before, after in zip(copies, inputs, strict=True):
        np.testing.assert_array_equal(after, before)
