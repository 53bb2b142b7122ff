"""The reference solutions against live TensorFlow/Keras layers built with the same weights.

Every comparison runs twice: with layers built with ``dtype="float64"`` (tolerance 1e-9:
the solutions must equal Keras's formulas, not only come close) and with default float32
layers at the graded tolerance ``rtol = atol = 1e-5``. Weights are ``normal * 0.5``
(Keras-like scale), shapes and options are drawn by hypothesis.
"""

import warnings

import numpy as np
import pytest
from helpers import assert_close, import_keras, rnn_shapes, seeds
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from rnnlab.bidirectional import bidirectional
from rnnlab.embedding import cosine_similarity, embedding_lookup, embedding_matmul
from rnnlab.lstm import lstm, lstm_gates, lstm_step, sigmoid
from rnnlab.one_hot import one_hot
from rnnlab.simple_rnn import simple_rnn, simple_rnn_step

pytest.importorskip("tensorflow")
tf, keras = import_keras()

pytestmark = pytest.mark.keras

TOLERANCE = {"float64": 1e-9, "float32": 1e-5}
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])
# No shrinking: every example builds Keras layers, and shrinking a failure would take
# minutes per test; the shapes are small enough to read as they are.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
SOME = settings(max_examples=15, deadline=None, phases=PHASES)
MANY = settings(max_examples=25, deadline=None, phases=PHASES)
RECURRENT = {"simple_rnn": (simple_rnn, 1), "lstm": (lstm, 4)}
KERAS_LAYERS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM"}


def normal(rng, shape, dtype):
    """Weights or states at Keras-like scale (standard deviation 0.5)."""
    return (rng.normal(size=shape) * 0.5).astype(dtype)


def rnn_weights(rng, D, U, k, use_bias, dtype):
    """``[kernel (D, kU), recurrent_kernel (U, kU)(, bias (kU,))]`` as Keras lays them out."""
    weights = [normal(rng, (D, k * U), dtype), normal(rng, (U, k * U), dtype)]
    if use_bias:
        weights.append(normal(rng, (k * U,), dtype))
    return weights


def built(layer, input_shape, weights):
    """``layer`` built for ``input_shape`` and given ``weights`` via ``set_weights``."""
    layer.build(input_shape)
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in weights]
    layer.set_weights(weights)
    return layer


def as_numpy(outputs):
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(output) for output in outputs]
    return np.asarray(outputs)


def check(got, expected, dtype, what):
    """Compare one array or a list of arrays (one result per element) at ``dtype``'s tolerance."""
    tol = TOLERANCE[dtype]
    if isinstance(expected, list):
        assert isinstance(got, (list, tuple)), f"{what}: expected {len(expected)} results"
        assert len(got) == len(expected), f"{what}: {len(got)} results, not {len(expected)}"
        for g, e in zip(got, expected, strict=True):
            assert_close(g, e, rtol=tol, atol=tol, what=what)
    else:
        assert not isinstance(got, (list, tuple)), f"{what}: expected one array"
        assert_close(got, expected, rtol=tol, atol=tol, what=what)


# 01 one-hot ------------------------------------------------------------------------------


@st.composite
def index_arrays(draw):
    """Integer arrays of 0-3 dims (empty ones too), in and outside a small depth."""
    dtype = np.dtype(draw(st.sampled_from([np.int8, np.uint8, np.int32, np.int64])))
    info = np.iinfo(dtype)
    near = st.integers(max(int(info.min), -4), 14)
    extreme = st.sampled_from([int(info.min), int(info.max)])
    shape = draw(array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    return draw(arrays(dtype, shape, elements=st.one_of(near, extreme)))


@pytest.mark.one_hot
@MANY
@given(indices=index_arrays(), depth=st.integers(1, 10))
def test_one_hot_equals_tf_one_hot(indices, depth):
    """one_hot equals tf.one_hot exactly, float32, for every integer dtype, shape and index."""
    got = one_hot(indices, depth)
    expected = tf.one_hot(indices, depth).numpy()
    assert got.dtype == np.float32
    assert_close(got, expected, rtol=0, atol=0, what="one_hot")


@pytest.mark.one_hot
@pytest.mark.parametrize(
    "indices",
    [3, -1, 7, np.int64(2), np.uint8(200), np.zeros(0, int), np.zeros((2, 0), int),
     [[1, 2], [3, -1]], np.array([[5, 0, 9]], dtype=np.int8)],
    ids=["int", "negative", "too-large", "int64-scalar", "uint8-scalar", "empty",
         "empty-2d", "nested-list", "int8"],
)
def test_one_hot_scalars_empty_and_lists_equal_tf(indices):
    """one_hot equals tf.one_hot for scalars, empty arrays and nested lists."""
    got = one_hot(indices, 6)
    expected = tf.one_hot(np.asarray(indices), 6).numpy()
    assert got.dtype == np.float32
    assert_close(got, expected, rtol=0, atol=0, what="one_hot")


# 02 embedding ----------------------------------------------------------------------------


@pytest.mark.embedding
@DTYPES
@pytest.mark.parametrize("function", [embedding_lookup, embedding_matmul])
@SOME
@given(
    seed=seeds,
    vocab=st.integers(1, 12),
    width=st.integers(1, 6),
    ids_shape=array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    ids_dtype=st.sampled_from([np.int32, np.int64]),
)
def test_embedding_equals_keras_embedding(function, dtype, seed, vocab, width, ids_shape,
                                          ids_dtype):
    """embedding_lookup and embedding_matmul equal keras.layers.Embedding(V, E) on valid ids."""
    rng = np.random.default_rng(seed)
    table = normal(rng, (vocab, width), dtype)
    ids = rng.integers(0, vocab, size=ids_shape).astype(ids_dtype)
    layer = built(keras.layers.Embedding(vocab, width, dtype=dtype), None, [table])
    check(function(ids, table), as_numpy(layer(ids)), dtype, function.__name__)


@pytest.mark.embedding
@DTYPES
@SOME
@given(seed=seeds, shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
def test_cosine_similarity_equals_keras(dtype, seed, shape):
    """cosine_similarity equals -keras.losses.cosine_similarity, and 0 for zero vectors."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    rows_a, rows_b = a.reshape(-1, shape[-1]), b.reshape(-1, shape[-1])  # views
    rows_a[rng.random(len(rows_a)) < 0.3] = 0.0
    rows_b[rng.random(len(rows_b)) < 0.3] = 0.0
    rows_a[0] = 0.0  # always at least one exact zero vector on each side
    rows_b[-1] = 0.0
    for rows in (rows_a, rows_b):  # norms in (0, 1e-6) are not graded
        rows[np.linalg.norm(rows, axis=-1) < 1e-3] = 0.0
    a, b = a.astype(dtype), b.astype(dtype)
    got = cosine_similarity(a, b)
    expected = -np.asarray(keras.losses.cosine_similarity(a, b, axis=-1))
    assert not np.any(np.isnan(got))
    assert np.all(got[(np.linalg.norm(a, axis=-1) == 0) | (np.linalg.norm(b, axis=-1) == 0)] == 0)
    check(got, expected, dtype, "cosine_similarity")


# 03 SimpleRNN and 04 LSTM: one step ------------------------------------------------------


@pytest.mark.simple_rnn
@DTYPES
@SOME
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans())
def test_simple_rnn_step_equals_keras_cell(dtype, shape, seed, use_bias):
    """simple_rnn_step equals keras.layers.SimpleRNNCell called as cell(x, [h])."""
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, D, U, 1, use_bias, dtype)
    x, h = rng.normal(size=(B, D)).astype(dtype), normal(rng, (B, U), dtype)
    cell = built(keras.layers.SimpleRNNCell(U, use_bias=use_bias, dtype=dtype), (B, D), weights)
    expected, _ = cell(tf.constant(x), [tf.constant(h)])
    check(simple_rnn_step(x, h, *weights), as_numpy(expected), dtype, "simple_rnn_step")


@pytest.mark.lstm
@DTYPES
@SOME
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans())
def test_lstm_step_equals_keras_cell(dtype, shape, seed, use_bias):
    """lstm_step equals keras.layers.LSTMCell: cell(x, [h, c]) returns h, [h, c]."""
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, D, U, 4, use_bias, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    h, c = normal(rng, (B, U), dtype), normal(rng, (B, U), dtype)
    cell = built(keras.layers.LSTMCell(U, use_bias=use_bias, dtype=dtype), (B, D), weights)
    output, (h_keras, c_keras) = cell(tf.constant(x), [tf.constant(h), tf.constant(c)])
    assert_close(output, h_keras, rtol=0, atol=0, what="keras LSTMCell output is h", keras=False)
    check(list(lstm_step(x, h, c, *weights)), as_numpy([h_keras, c_keras]), dtype, "lstm_step")


@pytest.mark.lstm
@DTYPES
@SOME
@given(
    shape=rnn_shapes(), seed=seeds, use_bias=st.booleans(), implementation=st.sampled_from([1, 2])
)
def test_lstm_gates_equal_the_gates_inside_keras_cell(dtype, shape, seed, use_bias,
                                                      implementation):
    """lstm_gates equals the i, f, g, o that a real LSTMCell computes, recorded in the call."""
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, D, U, 4, use_bias, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    h, c = normal(rng, (B, U), dtype), normal(rng, (B, U), dtype)
    cell = keras.layers.LSTMCell(U, use_bias=use_bias, implementation=implementation, dtype=dtype)
    cell = built(cell, (B, D), weights)
    # keras/src/layers/rnn/lstm.py (both implementations): recurrent_activation(z_i),
    # recurrent_activation(z_f), activation(z_c), recurrent_activation(z_o), then
    # h = o * activation(c).
    recorded = {"recurrent_activation": [], "activation": []}

    def recording(name):
        original = getattr(cell, name)

        def wrapper(z):
            out = original(z)
            recorded[name].append(np.asarray(out))
            return out

        return wrapper

    cell.recurrent_activation = recording("recurrent_activation")
    cell.activation = recording("activation")
    output, _ = cell(tf.constant(x), [tf.constant(h), tf.constant(c)])
    assert len(recorded["recurrent_activation"]) == 3
    assert len(recorded["activation"]) == 2
    i, f, o = recorded["recurrent_activation"]
    g, tanh_c = recorded["activation"]
    # the recording is the right one: it reproduces the cell's output
    assert_close(o * tanh_c, output, rtol=1e-6, atol=1e-6, what="recorded o*tanh(c)", keras=False)
    check(list(lstm_gates(x, h, *weights)), [i, f, g, o], dtype, "lstm_gates")


# 03 SimpleRNN and 04 LSTM: whole sequences ------------------------------------------------


@pytest.mark.parametrize(
    "kind", [pytest.param("simple_rnn", marks=pytest.mark.simple_rnn),
             pytest.param("lstm", marks=pytest.mark.lstm)]
)
@DTYPES
@MANY
@given(
    shape=rnn_shapes(),
    seed=seeds,
    use_bias=st.booleans(),
    return_sequences=st.booleans(),
    return_state=st.booleans(),
    go_backwards=st.booleans(),
    with_initial_state=st.booleans(),
    input_dtype=st.sampled_from(["float32", "float64"]),
)
def test_recurrent_layer_equals_keras_layer(kind, dtype, shape, seed, use_bias,
                                            return_sequences, return_state, go_backwards,
                                            with_initial_state, input_dtype):
    """simple_rnn and lstm equal keras.layers.SimpleRNN and LSTM for every option."""
    function, k = RECURRENT[kind]
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, D, U, k, use_bias, dtype)
    x = rng.normal(size=(B, T, D)).astype(input_dtype)
    options = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards}
    layer = getattr(keras.layers, KERAS_LAYERS[kind])(U, use_bias=use_bias, dtype=dtype,
                                                      **options)
    layer = built(layer, (None, T, D), weights)
    initial_state, keras_kwargs = None, {}
    if with_initial_state:
        states = [normal(rng, (B, U), dtype) for _ in range(1 if kind == "simple_rnn" else 2)]
        initial_state = states[0] if kind == "simple_rnn" else tuple(states)
        keras_kwargs["initial_state"] = [tf.constant(s) for s in states]
    expected = as_numpy(layer(x, **keras_kwargs))
    got = function(x, *weights, initial_state=initial_state, **options)
    check(list(got) if return_state else got, expected, dtype, kind)


# 05 Bidirectional ------------------------------------------------------------------------


@pytest.mark.bidirectional
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("kind", ["simple_rnn", "lstm"])
@DTYPES
@settings(max_examples=8, deadline=None, phases=PHASES)
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans(), return_sequences=st.booleans())
def test_bidirectional_equals_keras_bidirectional(merge_mode, kind, dtype, shape, seed,
                                                  use_bias, return_sequences):
    """bidirectional equals keras.layers.Bidirectional for every merge mode and inner layer."""
    function, k = RECURRENT[kind]
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    forward = rnn_weights(rng, D, U, k, use_bias, dtype)
    backward = rnn_weights(rng, D, U, k, use_bias, dtype)
    inner = getattr(keras.layers, KERAS_LAYERS[kind])(
        U, use_bias=use_bias, return_sequences=return_sequences, dtype=dtype
    )
    wrapper = keras.layers.Bidirectional(inner, merge_mode=merge_mode, dtype=dtype)
    wrapper = built(wrapper, (None, T, D), forward + backward)
    x = rng.normal(size=(B, T, D)).astype(dtype)
    expected = as_numpy(wrapper(x))
    if merge_mode is None:
        assert len(expected) == 2
        expected = list(expected)
    weights = wrapper.get_weights()
    half = len(weights) // 2
    got = bidirectional(x, function, weights[:half], weights[half:], merge_mode=merge_mode,
                        return_sequences=return_sequences)
    check(got, expected, dtype, "bidirectional")


# sigmoid ---------------------------------------------------------------------------------

LARGE = [-1e4, -1000.0, -710.0, -100.0, -89.0, -20.0, 0.0, 20.0, 89.0, 100.0, 710.0, 1000.0, 1e4]


@pytest.mark.lstm
@DTYPES
@SOME
@given(data=st.data())
def test_sigmoid_equals_keras_sigmoid_without_overflow(dtype, data):
    """sigmoid equals keras.activations.sigmoid, large |x| included, with no warnings."""
    width = 64 if dtype == "float64" else 32
    elements = st.floats(allow_nan=False, allow_infinity=False, width=width)
    drawn = data.draw(arrays(dtype, array_shapes(min_dims=1, max_dims=2), elements=elements))
    x = np.concatenate([drawn.ravel(), np.array(LARGE, dtype=dtype)]).astype(dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        got = sigmoid(x)
    expected = np.asarray(keras.activations.sigmoid(tf.constant(x)))
    assert np.all((got >= 0) & (got <= 1))
    check(got, expected, dtype, "sigmoid")
