"""The reference solutions against live TensorFlow/Keras layers built with the same weights.

Every comparison of arrays runs twice: with layers built with ``dtype="float64"``
(tolerance 1e-9: the solutions must equal Keras's formulas, not only come close) and with
default float32 layers at the graded tolerance ``rtol = atol = 1e-5``. Weights are ``normal * 0.5``
(Keras-like scale), shapes and options are drawn by hypothesis.

Exercise 07's masking tests also pin down, on live layers and without the solutions, the
Keras behaviours that the statement relies on (``test_keras_*``): they are measured facts
of the CPU kernels, and they fail first when a new TensorFlow/Keras changes them.
"""

import warnings

import numpy as np
import pytest
from helpers import assert_close, import_keras, rnn_shapes, seeds
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from rnnlab.backward import embedding_backward, lstm_backward, simple_rnn_backward
from rnnlab.bidirectional import bidirectional
from rnnlab.embedding import cosine_similarity, embedding_lookup, embedding_matmul
from rnnlab.gru import gru, gru_gates, gru_step
from rnnlab.lstm import lstm, lstm_gates, lstm_step, sigmoid
from rnnlab.masking import padding_mask
from rnnlab.one_hot import one_hot
from rnnlab.params import count_params
from rnnlab.simple_rnn import simple_rnn, simple_rnn_step

pytest.importorskip("tensorflow")
tf, keras = import_keras()

pytestmark = pytest.mark.keras

TOLERANCE = {"float64": 1e-9, "float32": 1e-5}
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])
# No shrinking: every example builds Keras layers, and shrinking a failure would take
# minutes per test; the shapes are small enough to read as they are.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)
FEW = settings(max_examples=5, deadline=None, phases=PHASES)
SOME = settings(max_examples=15, deadline=None, phases=PHASES)
MANY = settings(max_examples=25, deadline=None, phases=PHASES)
RECURRENT = {"simple_rnn": simple_rnn, "lstm": lstm, "gru": gru}
KERAS_LAYERS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
BLOCKS = {"simple_rnn": 1, "lstm": 4, "gru": 3}  # k in kernel (D, kU)
STATES = {"simple_rnn": 1, "lstm": 2, "gru": 1}  # h, or h and c
KIND_MARKS = {"simple_rnn": [pytest.mark.simple_rnn], "lstm": [pytest.mark.lstm], "gru": [pytest.mark.gru]}


def kinds(*names):
    """A ``kind`` parametrisation over recurrent layers, each under its exercise's marker."""
    return pytest.mark.parametrize(
        "kind", [pytest.param(name, marks=KIND_MARKS[name]) for name in names or RECURRENT]
    )


def normal(rng, shape, dtype):
    """Weights or states at Keras-like scale (standard deviation 0.5)."""
    return (rng.normal(size=shape) * 0.5).astype(dtype)


def rnn_weights(rng, kind, D, U, use_bias, dtype):
    """``[kernel (D, kU), recurrent_kernel (U, kU)(, bias)]`` as Keras lays them out.

    The bias is ``(kU,)``, or ``(2, 3U)`` for GRU (``reset_after=True``: an input row and a
    recurrent row).
    """
    k = BLOCKS[kind]
    weights = [normal(rng, (D, k * U), dtype), normal(rng, (U, k * U), dtype)]
    if use_bias:
        weights.append(normal(rng, (2, k * U) if kind == "gru" else (k * U,), dtype))
    return weights


def built(layer, input_shape, weights):
    """``layer`` built for ``input_shape`` and given ``weights`` via ``set_weights``."""
    layer.build(input_shape)
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in weights]
    layer.set_weights(weights)
    return layer


def keras_layer(kind, weights, dtype, **options):
    """The Keras layer ``kind`` (SimpleRNN, LSTM, GRU) with ``weights``, for any ``T``."""
    units, use_bias = weights[1].shape[0], len(weights) == 3
    layer = getattr(keras.layers, KERAS_LAYERS[kind])(units, use_bias=use_bias, dtype=dtype,
                                                      **options)
    return built(layer, (None, None, weights[0].shape[0]), weights)


def initial_states(rng, kind, B, U, dtype):
    """Random initial states: ``(as the solution takes them, as Keras takes them)``.

    The solutions take ``h0`` (SimpleRNN, GRU) or ``(h0, c0)`` (LSTM); Keras a list of tensors.
    """
    states = [normal(rng, (B, U), dtype) for _ in range(STATES[kind])]
    return (states[0] if len(states) == 1 else tuple(states)), [tf.constant(s) for s in states]


def as_mask(mask):
    """A ``(B, T)`` bool mask as Keras layers take it (None stays None)."""
    return None if mask is None else tf.constant(np.asarray(mask, dtype=bool))


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


def same(got, expected, what):
    """Keras against Keras (a measured fact, not a solution): float64 layers, tolerance 1e-12."""
    assert_close(got, expected, rtol=1e-12, atol=1e-12, what=what, keras=False)


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


# 03 SimpleRNN, 04 LSTM and 06 GRU: one step ----------------------------------------------

STEPS = {"simple_rnn": (simple_rnn_step, "SimpleRNNCell"), "gru": (gru_step, "GRUCell")}
GATES = {"lstm": (lstm_gates, "LSTMCell"), "gru": (gru_gates, "GRUCell")}


def keras_cell(name, weights, dtype, **options):
    """The Keras cell ``name`` (``"LSTMCell"``...) with ``weights``."""
    units, use_bias = weights[1].shape[0], len(weights) == 3
    cell = getattr(keras.layers, name)(units, use_bias=use_bias, dtype=dtype, **options)
    return built(cell, (None, weights[0].shape[0]), weights)


@kinds("simple_rnn", "gru")
@DTYPES
@SOME
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans())
def test_step_equals_keras_cell(kind, dtype, shape, seed, use_bias):
    """simple_rnn_step and gru_step equal SimpleRNNCell and GRUCell called as cell(x, [h])."""
    function, cell_name = STEPS[kind]
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, kind, D, U, use_bias, dtype)
    x, h = rng.normal(size=(B, D)).astype(dtype), normal(rng, (B, U), dtype)
    output, (h_keras,) = keras_cell(cell_name, weights, dtype)(tf.constant(x), [tf.constant(h)])
    assert_close(output, h_keras, rtol=0, atol=0, what="keras cell output is h", keras=False)
    check(function(x, h, *weights), as_numpy(output), dtype, function.__name__)


@pytest.mark.lstm
@DTYPES
@SOME
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans())
def test_lstm_step_equals_keras_cell(dtype, shape, seed, use_bias):
    """lstm_step equals keras.layers.LSTMCell: cell(x, [h, c]) returns h, [h, c]."""
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, "lstm", D, U, use_bias, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    h, c = normal(rng, (B, U), dtype), normal(rng, (B, U), dtype)
    cell = keras_cell("LSTMCell", weights, dtype)
    output, (h_keras, c_keras) = cell(tf.constant(x), [tf.constant(h), tf.constant(c)])
    assert_close(output, h_keras, rtol=0, atol=0, what="keras LSTMCell output is h", keras=False)
    check(list(lstm_step(x, h, c, *weights)), as_numpy([h_keras, c_keras]), dtype, "lstm_step")


def recording_activations(cell):
    """Wrap ``cell.recurrent_activation`` and ``cell.activation`` to keep what they return.

    Returns:
        ``{"recurrent_activation": [...], "activation": [...]}``, filled in call order.
    """
    recorded = {"recurrent_activation": [], "activation": []}
    for name, seen in recorded.items():
        original = getattr(cell, name)

        def wrapper(z, original=original, seen=seen):
            out = original(z)
            seen.append(np.asarray(out))
            return out

        setattr(cell, name, wrapper)
    return recorded


@kinds("lstm", "gru")
@DTYPES
@SOME
@given(
    shape=rnn_shapes(), seed=seeds, use_bias=st.booleans(), implementation=st.sampled_from([1, 2])
)
def test_gates_equal_the_gates_inside_keras_cell(kind, dtype, shape, seed, use_bias,
                                                 implementation):
    """lstm_gates and gru_gates equal the gates that a real LSTMCell or GRUCell computes.

    The gates are caught on their way through the cell's activations; the recording is
    checked to reproduce the cell's output, so it is the right one.
    """
    function, cell_name = GATES[kind]
    B, _, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, kind, D, U, use_bias, dtype)
    x = rng.normal(size=(B, D)).astype(dtype)
    states = [normal(rng, (B, U), dtype) for _ in range(STATES[kind])]
    cell = keras_cell(cell_name, weights, dtype, implementation=implementation)
    recorded = recording_activations(cell)
    output, _ = cell(tf.constant(x), [tf.constant(s) for s in states])
    sigmoids, tanhs = recorded["recurrent_activation"], recorded["activation"]
    if kind == "lstm":
        # keras/src/layers/rnn/lstm.py (both implementations): recurrent_activation(z_i),
        # recurrent_activation(z_f), activation(z_c), recurrent_activation(z_o), then
        # h = o * activation(c).
        assert (len(sigmoids), len(tanhs)) == (3, 2)
        (i, f, o), (g, tanh_c) = sigmoids, tanhs
        reproduced, expected = o * tanh_c, [i, f, g, o]
    else:
        # keras/src/layers/rnn/gru.py (both implementations): recurrent_activation(z),
        # recurrent_activation(r), activation(h_tilde), then h = z * h + (1 - z) * h_tilde.
        assert (len(sigmoids), len(tanhs)) == (2, 1)
        (z, r), (h_tilde,) = sigmoids, tanhs
        reproduced, expected = z * states[0] + (1 - z) * h_tilde, [z, r, h_tilde]
    assert_close(reproduced, output, rtol=1e-6, atol=1e-6, what=f"recorded {kind} output",
                 keras=False)
    check(list(function(x, states[0], *weights)), expected, dtype, function.__name__)


# 03 SimpleRNN, 04 LSTM and 06 GRU: whole sequences (07: with masks) ----------------------

MASK_ROWS = ("post", "pre", "holes", "none", "all")
# (B, T, D, U) and a mask with one row of each kind: post and pre padding, holes, all masked.
EVERY_PATTERN = (
    (4, 5, 3, 2),
    np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 0, 1], [0, 0, 0, 0, 0]], dtype=bool),
)


@st.composite
def masked_rnn_shapes(draw):
    """``((B, T, D, U), mask)``: shapes as ``rnn_shapes`` and a ``(B, T)`` bool mask.

    Each row (True = a real step) is post-padded, pre-padded, has holes, is unmasked or
    fully masked; at least one step of the batch is masked.
    """
    B, T, D, U = draw(rnn_shapes())
    steps = np.arange(T)
    rows = []
    for _ in range(B):
        pattern, kept = draw(st.sampled_from(MASK_ROWS)), draw(st.integers(0, T))
        if pattern == "post":
            rows.append(steps < kept)
        elif pattern == "pre":
            rows.append(steps >= T - kept)
        elif pattern == "holes":
            rows.append(np.array(draw(st.lists(st.booleans(), min_size=T, max_size=T))))
        else:
            rows.append(np.full(T, pattern == "none"))
    mask = np.stack(rows)
    if mask.all():
        mask[draw(st.integers(0, B - 1)), draw(st.integers(0, T - 1))] = False
    return (B, T, D, U), mask


def check_recurrent_layer(kind, dtype, shape, seed, use_bias, options, with_initial_state,
                          input_dtype, mask=None):
    """``kind``'s solution against its Keras layer: same weights, options, states and mask."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, kind, D, U, use_bias, dtype)
    x = rng.normal(size=(B, T, D)).astype(input_dtype)
    layer = keras_layer(kind, weights, dtype, **options)
    initial_state, keras_states = (
        initial_states(rng, kind, B, U, dtype) if with_initial_state else (None, None)
    )
    expected = as_numpy(layer(x, initial_state=keras_states, mask=as_mask(mask)))
    got = RECURRENT[kind](x, *weights, initial_state=initial_state, mask=mask, **options)
    what = kind if mask is None else f"{kind}+mask"
    check(list(got) if options["return_state"] else got, expected, dtype, what)


OPTIONS = {
    "use_bias": st.booleans(),
    "return_sequences": st.booleans(),
    "return_state": st.booleans(),
    "go_backwards": st.booleans(),
    "with_initial_state": st.booleans(),
    "input_dtype": st.sampled_from(["float32", "float64"]),
}


@kinds()
@DTYPES
@MANY
@given(shape=rnn_shapes(), seed=seeds, **OPTIONS)
def test_recurrent_layer_equals_keras_layer(kind, dtype, shape, seed, use_bias,
                                            return_sequences, return_state, go_backwards,
                                            with_initial_state, input_dtype):
    """simple_rnn, lstm and gru equal keras.layers.SimpleRNN, LSTM and GRU for every option."""
    options = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards}
    check_recurrent_layer(kind, dtype, shape, seed, use_bias, options, with_initial_state,
                          input_dtype)


@kinds()
@DTYPES
@SOME
@given(masked_shape=masked_rnn_shapes(), seed=seeds, **OPTIONS)
@example(masked_shape=EVERY_PATTERN, seed=0, use_bias=True, return_sequences=True,
         return_state=True, go_backwards=False, with_initial_state=True, input_dtype="float64")
@example(masked_shape=EVERY_PATTERN, seed=1, use_bias=False, return_sequences=True,
         return_state=True, go_backwards=True, with_initial_state=True, input_dtype="float32")
def test_masked_recurrent_layer_equals_keras_layer(kind, dtype, masked_shape, seed, use_bias,
                                                   return_sequences, return_state, go_backwards,
                                                   with_initial_state, input_dtype):
    """With ``mask=``, simple_rnn, lstm and gru equal the Keras layer called with that mask.

    Masks are post- and pre-padded, have holes and fully masked rows, with every option.
    """
    shape, mask = masked_shape
    options = {"return_sequences": return_sequences, "return_state": return_state,
               "go_backwards": go_backwards}
    check_recurrent_layer(kind, dtype, shape, seed, use_bias, options, with_initial_state,
                          input_dtype, mask)


# 05 Bidirectional (07: with masks) -------------------------------------------------------

MERGE_MODES = pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])


def check_bidirectional(kind, merge_mode, dtype, shape, seed, use_bias, return_sequences,
                        mask=None):
    """bidirectional against keras.layers.Bidirectional, given the halves of its get_weights()."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    forward = rnn_weights(rng, kind, D, U, use_bias, dtype)
    backward = rnn_weights(rng, kind, D, U, use_bias, dtype)
    inner = getattr(keras.layers, KERAS_LAYERS[kind])(
        U, use_bias=use_bias, return_sequences=return_sequences, dtype=dtype
    )
    wrapper = keras.layers.Bidirectional(inner, merge_mode=merge_mode, dtype=dtype)
    wrapper = built(wrapper, (None, T, D), forward + backward)
    x = rng.normal(size=(B, T, D)).astype(dtype)
    expected = as_numpy(wrapper(x, mask=as_mask(mask)))
    if merge_mode is None:
        assert len(expected) == 2
        expected = list(expected)
    weights = wrapper.get_weights()
    half = len(weights) // 2
    got = bidirectional(x, RECURRENT[kind], weights[:half], weights[half:], merge_mode=merge_mode,
                        return_sequences=return_sequences, mask=mask)
    check(got, expected, dtype, "bidirectional" if mask is None else "bidirectional+mask")


@pytest.mark.bidirectional
@MERGE_MODES
@kinds()
@DTYPES
@settings(max_examples=6, deadline=None, phases=PHASES)
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans(), return_sequences=st.booleans())
def test_bidirectional_equals_keras_bidirectional(merge_mode, kind, dtype, shape, seed,
                                                  use_bias, return_sequences):
    """bidirectional equals keras.layers.Bidirectional for every merge mode and inner layer."""
    check_bidirectional(kind, merge_mode, dtype, shape, seed, use_bias, return_sequences)


@pytest.mark.bidirectional
@MERGE_MODES
@pytest.mark.parametrize("return_sequences", [True, False])
@DTYPES
@FEW
@given(masked_shape=masked_rnn_shapes(), kind=st.sampled_from(list(RECURRENT)), seed=seeds,
       use_bias=st.booleans())
@example(masked_shape=EVERY_PATTERN, kind="gru", seed=0, use_bias=True)
def test_masked_bidirectional_equals_keras_bidirectional(merge_mode, return_sequences, dtype,
                                                         masked_shape, kind, seed, use_bias):
    """With ``mask=``, bidirectional equals Bidirectional(layer)(x, mask=...) in every mode."""
    shape, mask = masked_shape
    check_bidirectional(kind, merge_mode, dtype, shape, seed, use_bias, return_sequences, mask)


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


# 07 masking: padding_mask, and the Keras behaviours the statement relies on ------------


@SOME
@given(
    ids=arrays(st.sampled_from([np.int32, np.int64]),
               array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
               elements=st.integers(0, 4)),
)
def test_padding_mask_equals_embedding_compute_mask(ids):
    """padding_mask equals Embedding(V, E, mask_zero=True).compute_mask(ids): a bool ids != 0."""
    got = padding_mask(ids)
    expected = np.asarray(keras.layers.Embedding(5, 2, mask_zero=True).compute_mask(ids))
    assert expected.dtype == bool
    assert np.asarray(got).dtype == bool
    assert_close(got, expected, rtol=0, atol=0, what="padding_mask")


@kinds()
@DTYPES
@FEW
@given(shape=rnn_shapes(), vocab=st.integers(2, 6), seed=seeds)
def test_padding_mask_drives_the_layers_as_an_embedding_with_mask_zero(kind, dtype, shape,
                                                                      vocab, seed):
    """layer(embedding_lookup(ids), mask=padding_mask(ids)) equals Keras's layer(Embedding(ids)).

    Keras hands the embedding's mask on to the layer by itself; ids are post-padded with 0.
    """
    B, T, E, U = shape
    rng = np.random.default_rng(seed)
    table, weights = normal(rng, (vocab, E), dtype), rnn_weights(rng, kind, E, U, True, dtype)
    ids = rng.integers(1, vocab, size=(B, T)) * (np.arange(T) < rng.integers(0, T + 1, (B, 1)))
    embedding = built(keras.layers.Embedding(vocab, E, mask_zero=True, dtype=dtype), None, [table])
    expected = as_numpy(keras_layer(kind, weights, dtype, return_sequences=True)(embedding(ids)))
    got = RECURRENT[kind](embedding_lookup(ids, table), *weights, return_sequences=True,
                          mask=padding_mask(ids))
    check(got, expected, dtype, f"{kind}+mask")


# Measured facts: float64 layers, one fixed batch whose mask (True = a real step) has a
# post-padded row, a pre-padded row, a row with holes and a fully masked row.
FACT_MASK = np.array(
    [[1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1], [1, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0]], dtype=bool
)
FACT_D, FACT_U = 3, 2


def fact_setting(kind, seed=0):
    """``(x, weights, states)`` for FACT_MASK: inputs, float64 weights with a bias and
    nonzero initial states (a list of ``(B, U)`` arrays: h, or h and c)."""
    rng = np.random.default_rng(seed)
    B, T = FACT_MASK.shape
    x = rng.normal(size=(B, T, FACT_D))
    weights = rnn_weights(rng, kind, FACT_D, FACT_U, True, "float64")
    return x, weights, [normal(rng, (B, FACT_U), "float64") for _ in range(STATES[kind])]


def tensors(values):
    """Arrays as a list of tensors, as Keras takes initial states."""
    return [tf.constant(value) for value in values]


def without_padding(layer, x, states, row):
    """``layer`` run on row ``row`` of ``x`` with its masked steps dropped (from ``states``).

    Returns:
        the layer's outputs as a list of arrays, or None if the row has no unmasked step.
    """
    keep = FACT_MASK[row]
    if not keep.any():
        return None
    outputs = layer(x[row:row + 1, keep], initial_state=tensors(s[row:row + 1] for s in states))
    return as_numpy(outputs if isinstance(outputs, (list, tuple)) else [outputs])


@kinds()
def test_keras_carries_every_state_over_masked_steps(kind):
    """(a) At a masked step Keras carries every state (h, and c for LSTM) over unchanged.

    The final states of each row equal those of the row run without its masked steps,
    and equal the initial states for a fully masked row.
    """
    x, weights, states = fact_setting(kind)
    layer = keras_layer(kind, weights, "float64", return_state=True)
    _, *finals = as_numpy(layer(x, initial_state=tensors(states), mask=as_mask(FACT_MASK)))
    for row in range(len(FACT_MASK)):
        compact = without_padding(layer, x, states, row)
        expected = [s[row:row + 1] for s in states] if compact is None else compact[1:]
        for final, state in zip(finals, expected, strict=True):
            same(final[row:row + 1], state, f"state of row {row}")


@kinds()
def test_keras_output_at_a_masked_step_repeats_the_previous_output(kind):
    """(b) The output at a masked step is the previous step's output, zeros before the
    first unmasked step even with a nonzero initial_state (which the state still holds).

    With return_sequences=False the output is the last step's: zeros for a fully masked row.
    """
    x, weights, states = fact_setting(kind)
    sequences = keras_layer(kind, weights, "float64", return_sequences=True)
    outputs = np.asarray(sequences(x, initial_state=tensors(states), mask=as_mask(FACT_MASK)))
    for row, keep in enumerate(FACT_MASK):
        expected = np.zeros(outputs.shape[1:])
        compact = without_padding(sequences, x, states, row)
        if compact is not None:
            expected[keep] = compact[0][0]  # real steps: the sequence without padding, from h0
        for t in np.flatnonzero(~keep):
            if t > 0:
                expected[t] = expected[t - 1]
        same(outputs[row], expected, f"outputs of row {row}")
    assert np.all(outputs[1, :2] == 0) and np.any(states[0][1] != 0)  # zeros, though h0 != 0
    last = keras_layer(kind, weights, "float64")
    final = np.asarray(last(x, initial_state=tensors(states), mask=as_mask(FACT_MASK)))
    same(final, outputs[:, -1], "return_sequences=False")
    assert np.all(final[3] == 0)


@kinds()
def test_keras_go_backwards_reverses_the_mask_with_the_inputs(kind):
    """(c) With go_backwards, layer(x, mask=m) equals the forward layer on x[:, ::-1] with
    mask m[:, ::-1] (outputs in processing order, and states); the unreversed mask differs."""
    x, weights, states = fact_setting(kind)
    options = {"return_sequences": True, "return_state": True}
    backwards = keras_layer(kind, weights, "float64", go_backwards=True, **options)
    forwards = keras_layer(kind, weights, "float64", **options)
    got = as_numpy(backwards(x, initial_state=tensors(states), mask=as_mask(FACT_MASK)))
    reversed_mask = FACT_MASK[:, ::-1]
    expected = as_numpy(forwards(x[:, ::-1], initial_state=tensors(states),
                                 mask=as_mask(reversed_mask)))
    for g, e in zip(got, expected, strict=True):
        same(g, e, "go_backwards")
    unreversed = np.asarray(forwards(x[:, ::-1], initial_state=tensors(states),
                                     mask=as_mask(FACT_MASK))[0])
    assert np.abs(unreversed - got[0]).max() > 1e-3


@kinds()
@pytest.mark.parametrize("return_sequences", [True, False])
def test_keras_bidirectional_masking(kind, return_sequences):
    """(d) Inside Bidirectional, return_sequences=True gives zeros at masked steps in both
    halves (the plain layers repeat their last output there); return_sequences=False gives
    the plain layers' results: the forward final output and the go_backwards one."""
    x, forward, _ = fact_setting(kind, seed=0)
    _, backward, _ = fact_setting(kind, seed=1)
    inner = getattr(keras.layers, KERAS_LAYERS[kind])(FACT_U, return_sequences=return_sequences,
                                                      dtype="float64")
    wrapper = keras.layers.Bidirectional(inner, merge_mode=None, dtype="float64")
    wrapper = built(wrapper, (None, None, FACT_D), forward + backward)
    halves = as_numpy(wrapper(x, mask=as_mask(FACT_MASK)))
    options = {"return_sequences": return_sequences}
    plain = [
        np.asarray(keras_layer(kind, forward, "float64", **options)(x, mask=as_mask(FACT_MASK))),
        np.asarray(keras_layer(kind, backward, "float64", go_backwards=True, **options)(
            x, mask=as_mask(FACT_MASK))),
    ]
    if return_sequences:
        plain[1] = plain[1][:, ::-1]  # to time order
        for half, outputs in zip(halves, plain, strict=True):
            assert np.all(half[~FACT_MASK] == 0)
            assert np.any(outputs[~FACT_MASK] != 0)  # the zeros come from the wrapper
            same(half[FACT_MASK], outputs[FACT_MASK], "bidirectional halves at real steps")
    else:
        for half, outputs in zip(halves, plain, strict=True):
            same(half, outputs, "bidirectional halves")
            assert np.all(half[3] == 0)


# 08 parameter counts ---------------------------------------------------------------------


@pytest.mark.parametrize("layer", ["embedding", "simple_rnn", "lstm", "gru"])
@settings(max_examples=10, deadline=None, phases=PHASES)
@given(input_dim=st.integers(1, 300), units=st.integers(1, 64), use_bias=st.booleans(),
       wrapped=st.booleans())
def test_count_params_equals_keras_count_params(layer, input_dim, units, use_bias, wrapped):
    """count_params equals count_params() of the built Keras layer, with and without bias,
    in Bidirectional or not (an embedding has no bias: use_bias is ignored)."""
    wrapped = wrapped and layer != "embedding"
    if layer == "embedding":
        keras_built = keras.layers.Embedding(input_dim, units)
        keras_built.build((None,))
    else:
        keras_built = getattr(keras.layers, KERAS_LAYERS[layer])(units, use_bias=use_bias)
        if wrapped:
            keras_built = keras.layers.Bidirectional(keras_built)
        keras_built.build((None, None, input_dim))
    got = count_params(layer, input_dim, units, use_bias=use_bias, bidirectional=wrapped)
    assert isinstance(got, (int, np.integer)) and not isinstance(got, bool)
    assert_close(got, keras_built.count_params(), rtol=0, atol=0, what="count_params")


@pytest.mark.parametrize(
    ("layer", "bidirectional"),
    [("embedding", True), ("GRU", False), ("LSTM", True), ("rnn", False), ("dense", False),
     ("", False)],
)
def test_count_params_rejects_unknown_layers_and_bidirectional_embeddings(layer, bidirectional):
    """count_params raises ValueError for an unknown layer name (case matters) and for an
    embedding in Bidirectional (which Keras cannot wrap either)."""
    with pytest.raises(ValueError):
        count_params(layer, 10, 4, bidirectional=bidirectional)


# 09 backpropagation through time -----------------------------------------------------------

BACKWARD = {"simple_rnn": simple_rnn_backward, "lstm": lstm_backward}


def tape_gradients(layer, x, states, d_output):
    """``tf.GradientTape``'s gradients of ``sum(layer(x, initial_state=states) * d_output)``:
    ``[dx, *d weights, *d states]``."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch([x, *states])
        loss = tf.reduce_sum(layer(x, initial_state=states) * d_output)
    return [np.asarray(g) for g in tape.gradient(loss, [x, *layer.trainable_weights, *states])]


def flat_gradients(kind, result, use_bias):
    """A backward dict as the list :func:`tape_gradients` returns."""
    names = ["inputs", "kernel", "recurrent_kernel"] + (["bias"] if use_bias else [])
    states = result["initial_state"]
    return [result[name] for name in names] + (list(states) if kind == "lstm" else [states])


@kinds("simple_rnn", "lstm")
@pytest.mark.backward
@DTYPES
@MANY
@given(shape=rnn_shapes(), seed=seeds, use_bias=st.booleans(), return_sequences=st.booleans(),
       go_backwards=st.booleans(), with_initial_state=st.booleans())
def test_gradients_equal_gradient_tape(kind, dtype, shape, seed, use_bias, return_sequences,
                                       go_backwards, with_initial_state):
    """simple_rnn_backward and lstm_backward equal tf.GradientTape on the Keras layer, for every
    option; with initial_state=None the gradient is the one of the zeros the layer starts from."""
    B, T, D, U = shape
    rng = np.random.default_rng(seed)
    weights = rnn_weights(rng, kind, D, U, use_bias, dtype)
    x = rng.normal(size=(B, T, D)).astype(dtype)
    d_output = rng.normal(size=(B, T, U) if return_sequences else (B, U)).astype(dtype)
    given_states = [normal(rng, (B, U), dtype) for _ in range(STATES[kind])]
    layer = keras_layer(kind, weights, dtype, return_sequences=return_sequences, go_backwards=go_backwards)
    zeros = [np.zeros((B, U), dtype) for _ in range(STATES[kind])]
    states = given_states if with_initial_state else zeros
    expected = tape_gradients(layer, x, [tf.constant(s) for s in states], d_output)
    initial = None if not with_initial_state else (states[0] if kind == "simple_rnn" else tuple(states))
    result = BACKWARD[kind](x, weights[0], weights[1], weights[2] if use_bias else None, d_output,
                            return_sequences=return_sequences, go_backwards=go_backwards,
                            initial_state=initial)
    assert (result["bias"] is None) == (not use_bias)
    check(flat_gradients(kind, result, use_bias), expected, dtype, f"{kind}_backward")


@pytest.mark.backward
@DTYPES
@SOME
@given(seed=seeds, vocab=st.integers(1, 6), width=st.integers(1, 4),
       ids_shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
def test_embedding_gradient_equals_gradient_tape(dtype, seed, vocab, width, ids_shape):
    """embedding_backward is tf.GradientTape's gradient of the Embedding table (repeated ids add up)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, vocab, size=ids_shape)
    d_output = rng.normal(size=(*ids_shape, width)).astype(dtype)
    layer = keras.layers.Embedding(vocab, width, dtype=dtype)
    layer.build((None,))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(ids) * d_output)
    expected = np.asarray(tf.convert_to_tensor(tape.gradient(loss, layer.embeddings)))
    check(embedding_backward(ids, d_output, vocab), expected, dtype, "embedding_backward")
