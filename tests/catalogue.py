"""A catalogue of realistic wrong submissions and of valid alternative ones.

Every entry is a :class:`~autograder.variants.Mistake`: the reference solutions with one
snippet replaced. ``MISTAKES`` each hold exactly one mistake a student could make and must
lose points in their own exercise only; ``ALTERNATIVES`` are other correct ways to write
the same functions and must score 100. ``NAMED`` gives, for every mistake, the words the
grader's feedback should contain when it names that mistake: a phrase of a
``likely mistake:`` diagnosis (:mod:`autograder.diagnosis`), or, for mistakes that only a
contract case or the unchanged-inputs check can see, the grader's own message.
``tests/test_catalogue.py`` checks all of it; ``tests/catalogue_report.py`` prints the figures.
"""

from __future__ import annotations

from autograder.variants import Mistake

# --- mistakes ------------------------------------------------------------------------------

_ONE_HOT = (
    Mistake("one_hot_negative_wraps", "one_hot",
            "classes = np.arange(depth)",
            "classes = np.arange(depth)\n    indices = np.where(indices < 0, indices + depth, indices)",
            "negative indices wrap around to the end instead of giving an all-zero row"),
    Mistake("one_hot_modulo", "one_hot",
            "classes = np.arange(depth)",
            "classes = np.arange(depth)\n    indices = indices % depth",
            "indices are taken modulo depth so every out-of-range index lands on some class"),
    Mistake("one_hot_clips", "one_hot",
            "classes = np.arange(depth)",
            "classes = np.arange(depth)\n    indices = np.clip(indices, 0, depth - 1)",
            "out-of-range indices are clipped into range instead of giving an all-zero row"),
    Mistake("one_hot_eye_rows", "one_hot",
            "classes = np.arange(depth)\n    return (indices[..., np.newaxis] == classes).astype(np.float32)",
            "return np.eye(depth, dtype=np.float32)[indices]",
            "rows of np.eye are indexed directly so negative indices wrap and large ones raise"),
    Mistake("one_hot_float64", "one_hot",
            ".astype(np.float32)", ".astype(np.float64)",
            "the encoding is returned as float64 instead of float32"),
    Mistake("one_hot_int_dtype", "one_hot",
            ".astype(np.float32)", ".astype(int)",
            "the encoding is returned as integers instead of float32"),
    Mistake("one_hot_accepts_floats", "one_hot",
            'if indices.dtype.kind not in "iu":', 'if indices.dtype.kind not in "iuf":',
            "float indices are accepted instead of raising TypeError"),
    Mistake("one_hot_accepts_bool", "one_hot",
            'if indices.dtype.kind not in "iu":', 'if indices.dtype.kind == "f":',
            "only float indices are refused so boolean indices slip through without a TypeError"),
    Mistake("one_hot_depth_zero_allowed", "one_hot",
            "if depth < 1:", "if depth < 0:",
            "a depth of zero is accepted instead of raising ValueError"),
    Mistake("one_hot_masks_in_place", "one_hot",
            "classes = np.arange(depth)",
            "classes = np.arange(depth)\n    indices[(indices < 0) | (indices >= depth)] = depth",
            "out-of-range indices are overwritten in the caller's array to mask them"),
)

_EMBEDDING = (
    Mistake("check_ids_negative_allowed", "embedding",
            "outside = (ids < 0) | (ids >= vocab_size)", "outside = ids >= vocab_size",
            "check_ids forgets negative ids so they wrap around instead of raising IndexError"),
    Mistake("check_ids_id_equal_vocab_allowed", "embedding",
            "outside = (ids < 0) | (ids >= vocab_size)", "outside = (ids < 0) | (ids > vocab_size)",
            "check_ids lets an id equal to the vocabulary size through"),
    Mistake("lookup_without_check", "embedding",
            "check_ids(ids, table.shape[0])\n    return table[ids]", "return table[ids]",
            "embedding_lookup never checks the ids so negative ids wrap around silently"),
    Mistake("matmul_without_check", "embedding",
            "check_ids(ids, table.shape[0])\n    return one_hot", "return one_hot",
            "embedding_matmul never checks the ids so out-of-range ids give zero rows"),
    Mistake("matmul_transposed_table", "embedding",
            "one_hot(ids, table.shape[0]) @ table", "one_hot(ids, table.shape[1]) @ table.T",
            "embedding_matmul multiplies by the transposed table with a one-hot of depth E"),
    Mistake("lookup_cast_to_int", "embedding",
            "return table[ids]", "return table[ids].astype(ids.dtype)",
            "the looked-up rows are cast to the integer dtype of the ids"),
    Mistake("cosine_no_epsilon", "embedding",
            "norm_a = np.maximum(np.linalg.norm(a, axis=-1), eps)\n"
            "    norm_b = np.maximum(np.linalg.norm(b, axis=-1), eps)",
            "norm_a = np.linalg.norm(a, axis=-1)\n    norm_b = np.linalg.norm(b, axis=-1)",
            "cosine similarity divides by the bare norms so a zero vector gives NaN"),
    Mistake("cosine_one_side_normalised", "embedding",
            "/ (norm_a * norm_b)", "/ norm_a",
            "cosine similarity divides by the norm of a only"),
    Mistake("cosine_loss_sign", "embedding",
            "return np.sum(a * b, axis=-1)", "return -np.sum(a * b, axis=-1)",
            "cosine similarity keeps the negative sign of Keras's cosine_similarity loss"),
    Mistake("cosine_int_inputs", "embedding",
            "a = np.asarray(a, dtype=np.float64)\n    b = np.asarray(b, dtype=np.float64)",
            "a = np.asarray(a, dtype=int)\n    b = np.asarray(b, dtype=int)",
            "cosine similarity converts its float inputs to integers"),
    Mistake("cosine_first_axis", "embedding",
            "np.linalg.norm(a, axis=-1), eps)\n    norm_b = np.maximum(np.linalg.norm(b, axis=-1), eps)\n"
            "    return np.sum(a * b, axis=-1)",
            "np.linalg.norm(a, axis=0), eps)\n    norm_b = np.maximum(np.linalg.norm(b, axis=0), eps)\n"
            "    return np.sum(a * b, axis=0)",
            "cosine similarity is taken along the first axis instead of the last"),
    Mistake("cosine_normalises_in_place", "embedding",
            "return np.sum(a * b, axis=-1) / (norm_a * norm_b)",
            "a /= norm_a[..., np.newaxis]\n    b /= norm_b[..., np.newaxis]\n"
            "    return np.sum(a * b, axis=-1)",
            "cosine similarity normalises the caller's float64 arrays in place"),
)

_SIMPLE_RNN = (
    Mistake("simple_rnn_relu", "simple_rnn",
            "return np.tanh(z)", "return np.maximum(z, 0.0)",
            "the step uses ReLU instead of tanh"),
    Mistake("simple_rnn_no_bias", "simple_rnn",
            "    if bias is not None:\n        z = z + np.asarray(bias)\n", "",
            "the bias is never added"),
    Mistake("simple_rnn_bias_twice", "simple_rnn",
            "z = z + np.asarray(bias)", "z = z + np.asarray(bias)\n        z = z + np.asarray(bias)",
            "the bias is added twice"),
    Mistake("simple_rnn_recurrent_transposed", "simple_rnn",
            "np.asarray(h_prev) @ np.asarray(recurrent_kernel)",
            "np.asarray(h_prev) @ np.asarray(recurrent_kernel).T",
            "the recurrent kernel is used transposed"),
    Mistake("simple_rnn_return_sequences_ignored", "simple_rnn",
            "output = np.stack(outputs, axis=1) if return_sequences else h", "output = h",
            "return_sequences is ignored and only the last output is returned"),
    Mistake("simple_rnn_always_sequences", "simple_rnn",
            "output = np.stack(outputs, axis=1) if return_sequences else h",
            "output = np.stack(outputs, axis=1)",
            "every step's output is returned even without return_sequences"),
    Mistake("simple_rnn_loop_stops_early", "simple_rnn",
            "else range(steps)", "else range(steps - 1)",
            "the forward loop runs over range(steps - 1) and misses the last step"),
    Mistake("simple_rnn_initial_state_ignored", "simple_rnn",
            "h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)",
            "h = np.zeros((batch, units))",
            "initial_state is ignored and the state always starts at zero"),
    Mistake("simple_rnn_backwards_flipped_back", "simple_rnn",
            "    output = np.stack(outputs, axis=1) if return_sequences else h",
            "    if go_backwards:\n        outputs.reverse()\n"
            "    output = np.stack(outputs, axis=1) if return_sequences else h",
            "with go_backwards the outputs are flipped back to time order"),
    Mistake("simple_rnn_go_backwards_ignored", "simple_rnn",
            "order = range(steps - 1, -1, -1) if go_backwards else range(steps)", "order = range(steps)",
            "go_backwards is ignored and the sequence is always read forwards"),
    Mistake("simple_rnn_state_is_output", "simple_rnn",
            "return (output, h) if return_state else output",
            "return (output, output) if return_state else output",
            "return_state returns the output again so the state is the whole sequence with return_sequences"),
    Mistake("simple_rnn_reverses_inputs_in_place", "simple_rnn",
            "order = range(steps - 1, -1, -1) if go_backwards else range(steps)",
            "if go_backwards:\n        inputs[:] = inputs[:, ::-1]\n    order = range(steps)",
            "go_backwards reverses the caller's input array in place"),
)

_LSTM = (
    Mistake("lstm_gate_order_icfo", "lstm",
            "z_i, z_f, z_c, z_o = np.split", "z_i, z_c, z_f, z_o = np.split",
            "the gate blocks are read in the order input, candidate, forget, output"),
    Mistake("lstm_gate_order_ifoc", "lstm",
            "z_i, z_f, z_c, z_o = np.split", "z_i, z_f, z_o, z_c = np.split",
            "the gate blocks are read in the order input, forget, output, candidate"),
    Mistake("lstm_gate_order_fico", "lstm",
            "z_i, z_f, z_c, z_o = np.split", "z_f, z_i, z_c, z_o = np.split",
            "the gate blocks are read in the order forget, input, candidate, output"),
    Mistake("lstm_gate_order_cifo", "lstm",
            "z_i, z_f, z_c, z_o = np.split", "z_c, z_i, z_f, z_o = np.split",
            "the gate blocks are read in the order candidate, input, forget, output"),
    Mistake("lstm_hard_sigmoid", "lstm",
            "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))",
            "return np.clip(np.asarray(x) / 6.0 + 0.5, 0.0, 1.0)",
            "the gates use Keras's hard_sigmoid instead of the logistic sigmoid"),
    Mistake("lstm_hard_sigmoid_keras2", "lstm",
            "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))",
            "return np.clip(0.2 * np.asarray(x) + 0.5, 0.0, 1.0)",
            "the gates use the old Keras 2 hard_sigmoid instead of the logistic sigmoid"),
    Mistake("lstm_sigmoid_sign", "lstm",
            "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))",
            "return 1.0 / (1.0 + np.exp(np.asarray(x)))",
            "the sigmoid is computed as 1 / (1 + exp(x)) with the sign of x flipped"),
    Mistake("lstm_h_is_o_times_c", "lstm",
            "h_t = o * np.tanh(c_t)", "h_t = o * c_t",
            "the hidden state is o * c_t without the tanh"),
    Mistake("lstm_forget_on_candidate", "lstm",
            "c_t = f * np.asarray(c_prev) + i * g", "c_t = f * g + i * np.asarray(c_prev)",
            "the forget gate scales the candidate and the input gate the previous cell state"),
    Mistake("lstm_cell_reset_each_step", "lstm",
            "for t in order:\n", "for t in order:\n        c = np.zeros((batch, units))\n",
            "the cell state is reset to zero at every step"),
    Mistake("lstm_recurrent_transposed", "lstm",
            "np.asarray(h_prev) @ np.asarray(recurrent_kernel)",
            "np.asarray(h_prev) @ np.asarray(recurrent_kernel).T",
            "the recurrent kernel is used transposed which cannot work with its (U, 4U) shape"),
    Mistake("lstm_no_bias", "lstm",
            "    if bias is not None:\n        z = z + np.asarray(bias)\n", "",
            "the bias is never added to the gates"),
    Mistake("lstm_bias_twice", "lstm",
            "z = z + np.asarray(bias)", "z = z + 2 * np.asarray(bias)",
            "the bias is added twice"),
    Mistake("lstm_relu_candidate", "lstm",
            "np.tanh(z_c)", "np.maximum(z_c, 0.0)",
            "the candidate uses ReLU instead of tanh"),
    Mistake("lstm_last_output_step_t_minus_2", "lstm",
            "output = np.stack(outputs, axis=1) if return_sequences else h",
            "output = np.stack(outputs, axis=1) if return_sequences else outputs[-2]",
            "without return_sequences the output is taken from the step before the last"),
    Mistake("lstm_initial_state_ignored", "lstm",
            "if initial_state is None:\n        h, c", "if True:\n        h, c",
            "initial_state is ignored and both states always start at zero"),
    Mistake("lstm_initial_state_swapped", "lstm",
            "h, c = (np.asarray(state) for state in initial_state)",
            "c, h = (np.asarray(state) for state in initial_state)",
            "initial_state is read as (c_0, h_0) instead of (h_0, c_0)"),
    Mistake("lstm_states_swapped", "lstm",
            "return (output, h, c) if return_state", "return (output, c, h) if return_state",
            "return_state returns the final states as (c_T, h_T) instead of (h_T, c_T)"),
    Mistake("lstm_backwards_flipped_back", "lstm",
            "np.stack(outputs, axis=1) if return_sequences",
            "np.stack(outputs[::-1] if go_backwards else outputs, axis=1) if return_sequences",
            "with go_backwards the outputs are flipped back to time order"),
    Mistake("lstm_cell_updated_in_place", "lstm",
            "c_t = f * np.asarray(c_prev) + i * g",
            "c_t = np.asarray(c_prev)\n    c_t *= f\n    c_t += i * g",
            "the new cell state is computed in place in the caller's c_prev array"),
)

_BIDIRECTIONAL = (
    Mistake("bidirectional_no_flip", "bidirectional",
            "backward = backward[:, ::-1]", "backward = backward",
            "the backward sequence is not flipped back to time order"),
    Mistake("bidirectional_flip_batch_axis", "bidirectional",
            "backward = backward[:, ::-1]", "backward = backward[::-1]",
            "the backward sequence is flipped along the batch axis instead of the time axis"),
    Mistake("bidirectional_backward_first_step", "bidirectional",
            "    forward = np.asarray(layer(inputs, *forward_weights, return_sequences=return_sequences))\n"
            "    backward = np.asarray(\n"
            "        layer(inputs, *backward_weights, return_sequences=return_sequences, go_backwards=True)\n"
            "    )\n"
            "    if return_sequences:\n"
            "        backward = backward[:, ::-1]\n",
            "    forward = np.asarray(layer(inputs, *forward_weights, return_sequences=True))\n"
            "    backward = np.asarray(\n"
            "        layer(inputs, *backward_weights, return_sequences=True, go_backwards=True)\n"
            "    )\n"
            "    backward = backward[:, ::-1]\n"
            "    if not return_sequences:\n"
            "        forward, backward = forward[:, -1], backward[:, -1]\n",
            "without return_sequences the backward half is its first step instead of its final state"),
    Mistake("bidirectional_flips_final_states", "bidirectional",
            "    if return_sequences:\n        backward = backward[:, ::-1]\n",
            "    backward = backward[:, ::-1]\n",
            "the backward output is flipped even without return_sequences so its units are reversed"),
    Mistake("bidirectional_concat_time_axis", "bidirectional",
            "np.concatenate([forward, backward], axis=-1)", "np.concatenate([forward, backward], axis=1)",
            "concat joins the halves along axis 1 which is the time axis for sequences"),
    Mistake("bidirectional_halves_swapped", "bidirectional",
            "np.concatenate([forward, backward], axis=-1)", "np.concatenate([backward, forward], axis=-1)",
            "concat puts the backward half first"),
    Mistake("bidirectional_ave_as_sum", "bidirectional",
            "return (forward + backward) / 2", "return forward + backward",
            "merge_mode ave returns the sum without halving it"),
    Mistake("bidirectional_mul_as_sum", "bidirectional",
            "return forward * backward", "return forward + backward",
            "merge_mode mul adds the halves instead of multiplying them"),
    Mistake("bidirectional_none_forward_only", "bidirectional",
            "return [forward, backward]", "return forward",
            "merge_mode None returns only the forward output"),
    Mistake("bidirectional_backward_reads_forwards", "bidirectional",
            "return_sequences=return_sequences, go_backwards=True)",
            "return_sequences=return_sequences)",
            "the backward layer is called without go_backwards so it reads the sequence forwards"),
    Mistake("bidirectional_backward_forward_weights", "bidirectional",
            "layer(inputs, *backward_weights,", "layer(inputs, *forward_weights,",
            "the backward layer is run with the forward layer's weights"),
    Mistake("bidirectional_unknown_mode_accepted", "bidirectional",
            "    if merge_mode not in MERGE_MODES:\n"
            '        raise ValueError(f"merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")\n',
            "",
            "an unknown merge_mode is accepted instead of raising ValueError"),
)

MISTAKES: tuple[Mistake, ...] = _ONE_HOT + _EMBEDDING + _SIMPLE_RNN + _LSTM + _BIDIRECTIONAL

# What the feedback of each mistake's exercise should contain when it names the mistake.
# Diagnoses (autograder.diagnosis) appear after "likely mistake: "; the last entries of
# each group are the grader's own messages for what only a contract case or the check of
# unchanged inputs can see.
_DIAGNOSED = {
    "one_hot_negative_wraps": "negative indices wrapping around",
    "one_hot_modulo": "indices taken modulo depth",
    "one_hot_clips": "indices clipped into",
    "one_hot_float64": "only the dtype differs",
    "one_hot_int_dtype": "only the dtype differs",
    "matmul_transposed_table": "transposed embedding table",
    "lookup_cast_to_int": "cast to integers",
    "cosine_no_epsilon": "NaN for a zero vector",
    "cosine_one_side_normalised": "divided by the norm of one vector only",
    "cosine_loss_sign": "negative cosine similarity",
    "cosine_int_inputs": "inputs cast to integers",
    "cosine_first_axis": "along the first axis",
    "simple_rnn_relu": "ReLU in place of tanh",
    "simple_rnn_no_bias": "without the bias",
    "simple_rnn_bias_twice": "bias added twice",
    "simple_rnn_recurrent_transposed": "recurrent kernel transposed",
    "simple_rnn_return_sequences_ignored": "the last output only",
    "simple_rnn_always_sequences": "every step's output",
    "simple_rnn_loop_stops_early": "stops one step early",
    "simple_rnn_initial_state_ignored": "zero initial state",
    "simple_rnn_backwards_flipped_back": "flipped back to time order",
    "simple_rnn_go_backwards_ignored": "reads the sequence forwards",
    "simple_rnn_state_is_output": "output returned again as the state",
    "lstm_gate_order_icfo": "order i, c, f, o",
    "lstm_gate_order_ifoc": "order i, f, o, c",
    "lstm_gate_order_fico": "order f, i, c, o",
    "lstm_gate_order_cifo": "order c, i, f, o",
    "lstm_hard_sigmoid": "clip(x / 6 + 0.5, 0, 1)",
    "lstm_hard_sigmoid_keras2": "clip(0.2 x + 0.5, 0, 1)",
    "lstm_sigmoid_sign": "1 / (1 + exp(x))",
    "lstm_h_is_o_times_c": "h_t = o * c_t",
    "lstm_forget_on_candidate": "c_t = f * g + i * c_prev",
    "lstm_cell_reset_each_step": "cell state that restarts from zero",
    "lstm_no_bias": "without the bias",
    "lstm_bias_twice": "bias added twice",
    "lstm_relu_candidate": "ReLU in place of tanh",
    "lstm_last_output_step_t_minus_2": "step before the last",
    "lstm_initial_state_ignored": "zero initial state",
    "lstm_initial_state_swapped": "initial_state read as (c_0, h_0)",
    "lstm_states_swapped": "states returned as (c_T, h_T)",
    "lstm_backwards_flipped_back": "flipped back to time order",
    "bidirectional_no_flip": "left in processing order",
    "bidirectional_flip_batch_axis": "along the batch axis",
    "bidirectional_backward_first_step": "backward layer's first step",
    "bidirectional_flips_final_states": "units axis",
    "bidirectional_concat_time_axis": "along axis 1",
    "bidirectional_halves_swapped": "[backward, forward]",
    "bidirectional_ave_as_sum": "merged as 'sum'",
    "bidirectional_mul_as_sum": "merged as 'sum'",
    "bidirectional_backward_reads_forwards": "backward layer that reads the sequence forwards",
    "bidirectional_backward_forward_weights": "backward layer run with the forward layer's weights",
}
_GRADER_MESSAGES = {
    "one_hot_accepts_floats": "expected TypeError, but the function returned normally",
    "one_hot_accepts_bool": "expected TypeError, but the function returned normally",
    "one_hot_depth_zero_allowed": "expected ValueError, but the function returned normally",
    "one_hot_masks_in_place": "modified its input arrays",
    "one_hot_eye_rows": "raised IndexError: index",
    "check_ids_negative_allowed": "expected IndexError, but the function returned normally",
    "check_ids_id_equal_vocab_allowed": "expected IndexError, but the function returned normally",
    "lookup_without_check": "expected IndexError, but the function returned normally",
    "matmul_without_check": "expected IndexError, but the function returned normally",
    "cosine_normalises_in_place": "modified its input arrays",
    "simple_rnn_reverses_inputs_in_place": "modified its input arrays",
    "lstm_cell_updated_in_place": "modified its input arrays",
    "lstm_recurrent_transposed": "raised ValueError: matmul",
    "bidirectional_none_forward_only": "expected a tuple or list of results",
    "bidirectional_unknown_mode_accepted": "expected ValueError, but the function returned normally",
}
NAMED: dict[str, str] = {**_DIAGNOSED, **_GRADER_MESSAGES}
DIAGNOSED = frozenset(_DIAGNOSED)  # mistakes that a "likely mistake:" message should name

# --- valid alternatives ----------------------------------------------------------------------

_SIMPLE_STEP = (
    "z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)\n"
    "    if bias is not None:\n"
    "        z = z + np.asarray(bias)\n"
)
_SIMPLE_LOOP = (
    "    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)\n"
    "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)\n"
    "    outputs = []\n"
    "    for t in order:\n"
    "        h = simple_rnn_step(inputs[:, t], h, kernel, recurrent_kernel, bias)\n"
    "        outputs.append(h)\n"
    "    output = np.stack(outputs, axis=1) if return_sequences else h\n"
)
_LSTM_START = (
    "    inputs = np.asarray(inputs)\n"
    "    batch, steps, _ = inputs.shape\n"
    "    units = np.shape(recurrent_kernel)[0]\n"
    "    if initial_state is None:\n"
    "        h, c = np.zeros((batch, units)), np.zeros((batch, units))\n"
    "    else:\n"
    "        h, c = (np.asarray(state) for state in initial_state)\n"
)
_LSTM_LOOP = (
    "    for t in order:\n"
    "        h, c = lstm_step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)\n"
    "        outputs.append(h)\n"
)
_SIGMOID = "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))"

ALTERNATIVES: tuple[Mistake, ...] = (
    Mistake("simple_rnn_float32", "simple_rnn", _SIMPLE_STEP,
            "f32 = np.float32\n"
            "    z = np.asarray(x_t, f32) @ np.asarray(kernel, f32)\n"
            "    z = z + np.asarray(h_prev, f32) @ np.asarray(recurrent_kernel, f32)\n"
            "    if bias is not None:\n"
            "        z = z + np.asarray(bias, f32)\n",
            "SimpleRNN computed entirely in float32"),
    Mistake("lstm_float32", "lstm", _LSTM_START,
            "    f32 = np.float32\n"
            "    inputs = np.asarray(inputs, f32)\n"
            "    kernel, recurrent_kernel = np.asarray(kernel, f32), np.asarray(recurrent_kernel, f32)\n"
            "    bias = None if bias is None else np.asarray(bias, f32)\n"
            "    batch, steps, _ = inputs.shape\n"
            "    units = recurrent_kernel.shape[0]\n"
            "    if initial_state is None:\n"
            "        h, c = np.zeros((batch, units), f32), np.zeros((batch, units), f32)\n"
            "    else:\n"
            "        h, c = (np.asarray(state, f32) for state in initial_state)\n",
            "the LSTM layer casts its inputs, weights and states to float32"),
    Mistake("simple_rnn_step_einsum", "simple_rnn",
            "z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)",
            'z = np.einsum("bd,du->bu", np.asarray(x_t), np.asarray(kernel))\n'
            '    z = z + np.einsum("bv,vu->bu", np.asarray(h_prev), np.asarray(recurrent_kernel))',
            "the SimpleRNN step written with einsum"),
    Mistake("simple_rnn_batch_loop", "simple_rnn", _SIMPLE_LOOP,
            "    h0 = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)\n"
            "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)\n"
            "    rows = []\n"
            "    for n in range(batch):\n"
            "        h_n, seq = h0[n : n + 1], []\n"
            "        for t in order:\n"
            "            h_n = simple_rnn_step(inputs[n : n + 1, t], h_n, kernel, recurrent_kernel, bias)\n"
            "            seq.append(h_n[0])\n"
            "        rows.append(seq)\n"
            "    h = np.array([seq[-1] for seq in rows])\n"
            "    output = np.array(rows) if return_sequences else h\n",
            "SimpleRNN looping over the batch one sequence at a time"),
    Mistake("simple_rnn_own_loop", "simple_rnn", _SIMPLE_LOOP,
            "    W, R = np.asarray(kernel), np.asarray(recurrent_kernel)\n"
            "    b = 0.0 if bias is None else np.asarray(bias)\n"
            "    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)\n"
            "    xs = inputs[:, ::-1] if go_backwards else inputs\n"
            "    outputs = []\n"
            "    for t in range(steps):\n"
            "        h = np.tanh(xs[:, t] @ W + h @ R + b)\n"
            "        outputs.append(h)\n"
            "    output = np.stack(outputs, axis=1) if return_sequences else h\n",
            "SimpleRNN with its own loop over reversed inputs and no call of the step function"),
    Mistake("lstm_projected_inputs", "lstm", _LSTM_LOOP,
            "    xw = inputs @ np.asarray(kernel) + (0.0 if bias is None else np.asarray(bias))\n"
            "    for t in order:\n"
            "        z_i, z_f, z_c, z_o = np.split(xw[:, t] + h @ np.asarray(recurrent_kernel), 4, axis=-1)\n"
            "        c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)\n"
            "        h = sigmoid(z_o) * np.tanh(c)\n"
            "        outputs.append(h)\n",
            "the LSTM projects the inputs of every step at once before the loop"),
    Mistake("lstm_sliced_kernels", "lstm",
            "z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)\n"
            "    if bias is not None:\n"
            "        z = z + np.asarray(bias)\n"
            "    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)\n",
            "x, h, W, R = (np.asarray(v) for v in (x_t, h_prev, kernel, recurrent_kernel))\n"
            "    U = R.shape[0]\n"
            "    b = np.zeros(4 * U) if bias is None else np.asarray(bias)\n"
            "    z_i = x @ W[:, :U] + h @ R[:, :U] + b[:U]\n"
            "    z_f = x @ W[:, U : 2 * U] + h @ R[:, U : 2 * U] + b[U : 2 * U]\n"
            "    z_c = x @ W[:, 2 * U : 3 * U] + h @ R[:, 2 * U : 3 * U] + b[2 * U : 3 * U]\n"
            "    z_o = x @ W[:, 3 * U :] + h @ R[:, 3 * U :] + b[3 * U :]\n",
            "the LSTM gates computed from four sliced kernels"),
    Mistake("lstm_return_list", "lstm",
            "return (output, h, c) if return_state", "return [output, h, c] if return_state",
            "the LSTM returns its results and states as a list"),
    Mistake("bidirectional_reverses_inputs", "bidirectional",
            "    backward = np.asarray(\n"
            "        layer(inputs, *backward_weights, return_sequences=return_sequences, go_backwards=True)\n"
            "    )\n"
            "    if return_sequences:\n"
            "        backward = backward[:, ::-1]\n",
            "    reversed_inputs = np.asarray(inputs)[:, ::-1]\n"
            "    backward = np.asarray(\n"
            "        layer(reversed_inputs, *backward_weights, return_sequences=return_sequences)\n"
            "    )\n"
            "    if return_sequences:\n"
            "        backward = np.flip(backward, axis=1)\n",
            "Bidirectional reverses the inputs itself and runs the backward layer forwards"),
    Mistake("sigmoid_stable_where", "lstm", _SIGMOID,
            "x = np.asarray(x, dtype=float)\n"
            "    e = np.exp(-np.abs(x))\n"
            "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
            "a numerically stable sigmoid built with np.where and exp(-|x|)"),
    Mistake("sigmoid_errstate", "lstm", _SIGMOID,
            'with np.errstate(over="ignore"):\n'
            "        return 1.0 / (1.0 + np.exp(-np.asarray(x)))",
            "the textbook sigmoid with overflow warnings silenced"),
    Mistake("embedding_lookup_take", "embedding",
            "    check_ids(ids, table.shape[0])\n    return table[ids]\n",
            "    if np.any(ids < 0) or np.any(ids >= table.shape[0]):\n"
            '        raise IndexError("id outside the vocabulary")\n'
            "    return np.take(table, ids, axis=0)\n",
            "embedding_lookup with its own range checks and np.take"),
    Mistake("embedding_matmul_einsum", "embedding",
            "return one_hot(ids, table.shape[0]) @ table",
            'return np.einsum("...v,ve->...e", one_hot(ids, table.shape[0]), table)',
            "embedding_matmul written with einsum"),
    Mistake("one_hot_eye_mask", "one_hot",
            "    classes = np.arange(depth)\n"
            "    return (indices[..., np.newaxis] == classes).astype(np.float32)\n",
            "    valid = (indices >= 0) & (indices < depth)\n"
            "    rows = np.eye(depth, dtype=np.float32)[np.where(valid, indices, 0)]\n"
            "    return rows * valid[..., np.newaxis]\n",
            "one_hot from rows of np.eye with a mask for out-of-range indices"),
    Mistake("cosine_normalise_first", "embedding",
            "    return np.sum(a * b, axis=-1) / (norm_a * norm_b)\n",
            "    a_unit = a / norm_a[..., np.newaxis]\n"
            "    b_unit = b / norm_b[..., np.newaxis]\n"
            "    return np.sum(a_unit * b_unit, axis=-1)\n",
            "cosine similarity of vectors normalised first"),
)
