"""A catalogue of realistic wrong submissions and of valid alternative ones.

Every entry is a :class:`~autograder.authoring.variants.Mistake`: the reference solutions with one
snippet replaced. ``MISTAKES`` each hold exactly one mistake a student could make and must
lose points in their own exercise only; ``ALTERNATIVES`` are other correct ways to write
the same functions and must score 100. ``NAMED`` gives, for every mistake, the words the
grader's feedback should contain when it names that mistake: a phrase of a
``likely mistake:`` diagnosis (:mod:`autograder.engine.diagnosis`), or, for mistakes that only a
contract case or the unchanged-inputs check can see, the grader's own message.
``tests/test_catalogue.py`` checks all of it; ``tests/catalogue_report.py`` prints the figures.
"""

from __future__ import annotations

from autograder.authoring.variants import Mistake

# --- mistakes ------------------------------------------------------------------------------

_LAYER_CALLS = (
    "    forward = np.asarray(layer(inputs, *forward_weights, **options))\n"
    "    backward = np.asarray(layer(inputs, *backward_weights, go_backwards=True, **options))\n"
)

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
            "output = np.stack(outputs, axis=1) if return_sequences else out", "output = out",
            "return_sequences is ignored and only the last output is returned"),
    Mistake("simple_rnn_always_sequences", "simple_rnn",
            "output = np.stack(outputs, axis=1) if return_sequences else out",
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
            "    output = np.stack(outputs, axis=1) if return_sequences else out",
            "    if go_backwards:\n        outputs.reverse()\n"
            "    output = np.stack(outputs, axis=1) if return_sequences else out",
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
            "output = np.stack(outputs, axis=1) if return_sequences else out",
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
            _LAYER_CALLS,
            '    options["return_sequences"] = True\n' + _LAYER_CALLS +
            "    if not return_sequences:\n        forward, backward = forward[:, -1], backward[:, 0]\n",
            "without return_sequences the backward half is its first step instead of its final state"),
    Mistake("bidirectional_flips_final_states", "bidirectional",
            "    if return_sequences:\n        backward = backward[:, ::-1]\n",
            "    backward = backward[:, ::-1]\n    if return_sequences:\n",
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
            "layer(inputs, *backward_weights, go_backwards=True, **options)",
            "layer(inputs, *backward_weights, **options)",
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

_GRU_SPLITS = ("x_z, x_r, x_h = np.split(from_input, 3, axis=-1)\n"
               "    h_z, h_r, h_h = np.split(from_state, 3, axis=-1)")
_GRU_BIASES = ("from_input = from_input + np.asarray(bias)[0]\n"
               "        from_state = from_state + np.asarray(bias)[1]")
_GRU = (
    Mistake("gru_gate_order_rzh", "gru", _GRU_SPLITS,
            "x_r, x_z, x_h = np.split(from_input, 3, axis=-1)\n"
            "    h_r, h_z, h_h = np.split(from_state, 3, axis=-1)",
            "the gate blocks are read in PyTorch's order reset, update, candidate"),
    Mistake("gru_reset_before_matmul", "gru",
            "    return z, r, np.tanh(x_h + r * h_h)",
            "    units = np.shape(recurrent_kernel)[0]\n"
            "    h_h = (r * np.asarray(h_prev)) @ np.asarray(recurrent_kernel)[:, 2 * units :]\n"
            "    if bias is not None:\n"
            "        h_h = h_h + np.asarray(bias)[1, 2 * units :]\n"
            "    return z, r, np.tanh(x_h + h_h)",
            "the reset gate scales h_prev before the recurrent matmul as with reset_after=False"),
    Mistake("gru_update_swapped", "gru",
            "return z * np.asarray(h_prev) + (1.0 - z) * h_tilde",
            "return (1.0 - z) * np.asarray(h_prev) + z * h_tilde",
            "the update gate weighs the candidate instead of the previous state"),
    Mistake("gru_bias_rows_swapped", "gru", _GRU_BIASES,
            "from_input = from_input + np.asarray(bias)[1]\n"
            "        from_state = from_state + np.asarray(bias)[0]",
            "the input bias row is added to the recurrent part and the recurrent row to the input part"),
    Mistake("gru_bias_rows_summed", "gru", _GRU_BIASES,
            "from_input = from_input + np.asarray(bias).sum(axis=0)",
            "the two bias rows are summed and added to the input part only"),
    Mistake("gru_recurrent_bias_forgotten", "gru", _GRU_BIASES,
            "from_input = from_input + np.asarray(bias)[0]",
            "only the input bias row is added and the recurrent row is forgotten"),
    Mistake("gru_hard_sigmoid", "gru",
            "(0.5 * (1.0 + np.tanh(0.5 * (a + b))) for a, b",
            "(np.clip((a + b) / 6.0 + 0.5, 0.0, 1.0) for a, b",
            "the gates use Keras's hard_sigmoid instead of the logistic sigmoid"),
    Mistake("gru_initial_state_ignored", "gru",
            "h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)",
            "h = np.zeros((batch, units))",
            "initial_state is ignored and the state always starts at zero"),
    Mistake("gru_backwards_flipped_back", "gru",
            "output = np.stack(outputs, axis=1) if return_sequences else out",
            "output = np.stack(outputs[::-1] if go_backwards else outputs, axis=1)\n"
            "    output = output if return_sequences else out",
            "with go_backwards the outputs are flipped back to time order"),
    Mistake("gru_loop_stops_early", "gru",
            "else range(steps)", "else range(steps - 1)",
            "the forward loop runs over range(steps - 1) and misses the last step"),
)

_SIMPLE_MASKED = "        h, out = np.where(step, new, h), np.where(step, new, out)"
_LSTM_MASKED = ("        h, c, out = np.where(step, h_new, h), np.where(step, c_new, c), "
                "np.where(step, h_new, out)")
_KEEP = "keep = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)"
_ZEROED = ("        if mask is not None:  # Bidirectional zeroes the padding steps of both halves\n"
           "            keep = np.asarray(mask, bool)[:, :, None]\n"
           "            forward, backward = forward * keep, backward * keep\n")
_MASKING = (
    Mistake("padding_mask_inverted", "masking",
            "return np.asarray(ids) != 0", "return np.asarray(ids) == 0",
            "the padding mask is True at the padding instead of at the real ids"),
    Mistake("padding_mask_int", "masking",
            "return np.asarray(ids) != 0", "return (np.asarray(ids) != 0).astype(int)",
            "the padding mask is returned as integers instead of bool"),
    Mistake("padding_mask_from_lengths", "masking",
            "return np.asarray(ids) != 0",
            "ids = np.asarray(ids)\n"
            "    return np.arange(ids.shape[-1]) < np.count_nonzero(ids, axis=-1)[..., np.newaxis]",
            "the padding mask is built from the count of non-zero ids as if padding were only at the end"),
    Mistake("masking_mask_ignored", "masking", _KEEP, "keep = np.ones((batch, steps), bool)",
             "SimpleRNN accepts mask but ignores it", module="simple_rnn"),
    Mistake("masking_zeros_at_masked_steps", "masking", _SIMPLE_MASKED,
             "        h, out = np.where(step, new, h), np.where(step, new, 0.0)",
             "SimpleRNN outputs zeros at masked steps instead of repeating the previous output",
             module="simple_rnn"),
    Mistake("masking_initial_state_as_output", "masking",
             "out, outputs = np.zeros((batch, units)), []", "out, outputs = h, []",
             "SimpleRNN outputs the initial state at the leading masked steps instead of zeros",
             module="simple_rnn"),
    Mistake("masking_last_output_is_state", "masking",
             "output = np.stack(outputs, axis=1) if return_sequences else out",
             "output = np.stack(outputs, axis=1) if return_sequences else h",
             "SimpleRNN without return_sequences returns the final state instead of the last output",
             module="simple_rnn"),
    Mistake("masking_lstm_cell_updated", "masking", _LSTM_MASKED,
             "        h, c, out = np.where(step, h_new, h), c_new, np.where(step, h_new, out)",
             "the LSTM carries h over masked steps but keeps updating the cell state", module="lstm"),
    Mistake("masking_lstm_outputs_times_mask", "masking", _LSTM_MASKED,
             "        h, c, out = h_new, c_new, h_new * step",
             "the LSTM runs as if unmasked and multiplies its outputs by the mask", module="lstm"),
    Mistake("masking_gru_state_reset", "masking",
             "        h, out = np.where(step, new, h), np.where(step, new, out)",
             "        h = out = new * step",
             "the GRU resets its state to zeros at masked steps", module="gru"),
    Mistake("masking_gru_mask_not_reversed", "masking", _KEEP,
             _KEEP + "\n    keep = keep[:, ::-1] if go_backwards else keep",
             "the GRU reverses the mask under go_backwards although its loop already reads it backwards",
             module="gru"),
    Mistake("masking_bidirectional_no_zeros", "masking", _ZEROED, "",
             "Bidirectional with return_sequences keeps the layers' outputs at masked steps",
             module="bidirectional"),
    Mistake("masking_bidirectional_zeroed_before_flip", "masking",
             "        backward = backward[:, ::-1]\n" + _ZEROED,
             _ZEROED + "        backward = backward[:, ::-1]\n",
             "Bidirectional zeroes the backward half before flipping it back to time order",
             module="bidirectional"),
    Mistake("masking_bidirectional_mask_not_passed", "masking",
             '        options["mask"] = mask\n', "        pass\n",
             "Bidirectional does not pass the mask on to its layers", module="bidirectional"),
)

_PARAMS = (
    Mistake("params_bias_forgotten", "params",
            "one = blocks * units * (input_dim + units + bias_rows)",
            "one = blocks * units * (input_dim + units)",
            "the bias is never counted"),
    Mistake("params_gru_bias_once", "params",
            'bias_rows = (2 if layer == "gru" else 1) if use_bias else 0',
            "bias_rows = 1 if use_bias else 0",
            "the GRU bias is counted as one row of 3U as with reset_after=False"),
    Mistake("params_use_bias_ignored", "params",
            'bias_rows = (2 if layer == "gru" else 1) if use_bias else 0',
            'bias_rows = 2 if layer == "gru" else 1',
            "the bias is counted even with use_bias=False"),
    Mistake("params_recurrent_kernel_forgotten", "params",
            "one = blocks * units * (input_dim + units + bias_rows)",
            "one = blocks * units * (input_dim + bias_rows)",
            "the recurrent kernel is never counted"),
    Mistake("params_bidirectional_not_doubled", "params",
            "return 2 * one if bidirectional else one", "return one",
            "Bidirectional is counted as one layer instead of two"),
    Mistake("params_lstm_three_blocks", "params",
            '{"simple_rnn": 1, "lstm": 4, "gru": 3}', '{"simple_rnn": 1, "lstm": 3, "gru": 3}',
            "the LSTM is counted with three weight blocks instead of four"),
    Mistake("params_embedding_bias", "params",
            "return input_dim * units", "return input_dim * units + (units if use_bias else 0)",
            "the embedding is counted with a bias of E values"),
    Mistake("params_embedding_bidirectional_allowed", "params",
            "        if bidirectional:\n"
            '            raise ValueError("an embedding cannot be wrapped in Bidirectional")\n', "",
            "an embedding with bidirectional=True is counted instead of raising ValueError"),
)

_SIMPLE_BPTT = (  # simple_rnn_backward from its forward loop to dz
    "    states = [h]  # states[n] is the state before the n-th processed step\n"
    "    for t in order:\n"
    "        h = np.tanh(x[:, t] @ W + h @ R + b)\n"
    "        states.append(h)\n"
    "    d_out = np.asarray(d_output, dtype=np.float64)\n"
    "    dx, dW, dR, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(R), np.zeros_like(b)\n"
    "    dh = np.zeros((batch, units))  # dL/dh after the n-th processed step, from the steps after it\n"
    "    for n in range(steps - 1, -1, -1):\n"
    "        t = order[n]\n"
    "        if return_sequences:  # output step n is the state after the n-th processed step\n"
    "            dh = dh + d_out[:, n]\n"
    "        elif n == steps - 1:  # only the last state is output\n"
    "            dh = dh + d_out\n"
    "        dz = dh * (1.0 - states[n + 1] ** 2)\n"
)
_STORED_Z = (  # the same, keeping the pre-activations z_t
    ("    states = [h]  # states[n] is the state before the n-th processed step\n",
     "    states, pre = [h], []  # pre[n]: z of the n-th processed step\n"),
    ("        h = np.tanh(x[:, t] @ W + h @ R + b)\n",
     "        pre.append(x[:, t] @ W + h @ R + b)\n        h = np.tanh(pre[-1])\n"),
)


def _stored_z(derivative: str) -> str:
    """``_SIMPLE_BPTT`` keeping the pre-activations, with ``dz = dh * derivative``."""
    text = _SIMPLE_BPTT
    for old, new in _STORED_Z:
        text = text.replace(old, new)
    return text.replace("dz = dh * (1.0 - states[n + 1] ** 2)", f"dz = dh * {derivative}")


_SIMPLE_FEED = (
    "        if return_sequences:  # output step n is the state after the n-th processed step\n"
    "            dh = dh + d_out[:, n]\n"
    "        elif n == steps - 1:  # only the last state is output\n"
    "            dh = dh + d_out\n"
)
_SIMPLE_STEP_START = "        t = order[n]\n        if return_sequences:  # output"
_LSTM_FEED = ("            dh = dh + d_out[:, n]\n        elif n == steps - 1:\n            dh = dh + d_out\n"
              "        squashed")
_LSTM_DZ = ("dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),\n"
            "                             dc * i * (1 - g**2), dh * squashed * o * (1 - o)], axis=-1)")
_BACKWARD = (
    Mistake("backward_embedding_assigns_rows", "backward",
            "np.add.at(grad, np.asarray(ids).reshape(-1), d_output.reshape(-1, d_output.shape[-1]))",
            "grad[np.asarray(ids).reshape(-1)] += d_output.reshape(-1, d_output.shape[-1])",
            "embedding_backward adds with dW[ids] += d_output so a repeated id keeps one contribution"),
    Mistake("backward_embedding_transposed", "backward",
            "    return grad\n", "    return grad.T\n",
            "embedding_backward returns the gradient transposed as (E, V)"),
    Mistake("backward_simple_rnn_no_tanh_derivative", "backward",
            "dz = dh * (1.0 - states[n + 1] ** 2)", "dz = dh",
            "the SimpleRNN backward pass forgets the tanh derivative"),
    Mistake("backward_simple_rnn_derivative_of_z", "backward",
            _SIMPLE_BPTT, _stored_z("(1.0 - pre[n] ** 2)"),
            "the tanh derivative is computed as 1 - z**2 from the stored pre-activations"),
    Mistake("backward_simple_rnn_derivative_of_h_prev", "backward",
            "dz = dh * (1.0 - states[n + 1] ** 2)", "dz = dh * (1.0 - states[n] ** 2)",
            "the tanh derivative is taken at the previous state h_prev"),
    Mistake("backward_simple_rnn_stops_early", "backward",
            "    for n in range(steps - 1, -1, -1):\n" + _SIMPLE_STEP_START,
            "    for n in range(steps - 1, 0, -1):\n" + _SIMPLE_STEP_START,
            "the SimpleRNN backward loop stops before the first processed step"),
    Mistake("backward_simple_rnn_d_output_every_step", "backward",
            "        elif n == steps - 1:  # only the last state is output\n",
            "        else:  # only the last state is output\n",
            "d_output is added at every step without return_sequences"),
    Mistake("backward_simple_rnn_d_output_last_only", "backward", _SIMPLE_FEED,
            "        if n == steps - 1:  # only the last state is output\n"
            "            dh = dh + (d_out[:, n] if return_sequences else d_out)\n",
            "with return_sequences d_output enters at the last step only"),
    Mistake("backward_simple_rnn_dx_processing_order", "backward",
            "        dx[:, t] = dz @ W.T\n        dW += x[:, t].T @ dz\n        dR += states[n]",
            "        dx[:, n] = dz @ W.T\n        dW += x[:, t].T @ dz\n        dR += states[n]",
            "the input gradient is stored in processing order under go_backwards"),
    Mistake("backward_simple_rnn_dh_reset_each_step", "backward",
            _SIMPLE_STEP_START,
            _SIMPLE_STEP_START.replace("\n", "\n        dh = np.zeros((batch, units))\n", 1),
            "dh is reset to zeros at every step so the gradient never flows back through R"),
    Mistake("backward_simple_rnn_initial_state_zeros", "backward",
            '"initial_state": dh}', '"initial_state": np.zeros_like(dh)}',
            "the gradient of the initial state is returned as zeros"),
    Mistake("backward_lstm_cell_path_dropped", "backward",
            "dh, dc = dz @ R.T, dc * f", "dh, dc = dz @ R.T, np.zeros_like(dc)",
            "the LSTM backward pass sends no cell-state gradient to the step before"),
    Mistake("backward_lstm_dc_from_dh_only", "backward",
            "dc = dc + dh * o * (1.0 - squashed**2)", "dc = dh * o * (1.0 - squashed**2)",
            "the LSTM cell gradient is recomputed from dh alone at every step"),
    Mistake("backward_lstm_derivative_of_c", "backward",
            "dc = dc + dh * o * (1.0 - squashed**2)", "dc = dc + dh * o * (1.0 - c_t**2)",
            "the cell gradient uses 1 - c_t**2 instead of 1 - tanh(c_t)**2"),
    Mistake("backward_lstm_gate_order_ifoc", "backward", _LSTM_DZ,
            "dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),\n"
            "                             dh * squashed * o * (1 - o), dc * i * (1 - g**2)], axis=-1)",
            "the LSTM gate gradients are concatenated in the order i, f, o, c"),
    Mistake("backward_lstm_candidate_sigmoid_derivative", "backward",
            "dc * i * (1 - g**2)", "dc * i * g * (1 - g)",
            "the candidate's derivative is taken as a sigmoid's"),
    Mistake("backward_lstm_d_output_time_order", "backward", _LSTM_FEED,
            _LSTM_FEED.replace("d_out[:, n]", "d_out[:, t]"),
            "with return_sequences and go_backwards the LSTM reads d_output in time order"),
)

MISTAKES: tuple[Mistake, ...] = (
    _ONE_HOT + _EMBEDDING + _SIMPLE_RNN + _LSTM + _BIDIRECTIONAL + _GRU + _MASKING + _PARAMS + _BACKWARD
)

# What the feedback of each mistake's exercise should contain when it names the mistake.
# Diagnoses (autograder.engine.diagnosis) appear after "likely mistake: "; the last entries of
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
    "gru_gate_order_rzh": "order r, z, h",
    "gru_reset_before_matmul": "reset gate applied before the recurrent matmul",
    "gru_update_swapped": "h_t = (1 - z) * h_prev + z * h_tilde",
    "gru_bias_rows_swapped": "bias rows swapped",
    "gru_bias_rows_summed": "bias rows summed",
    "gru_recurrent_bias_forgotten": "input bias (row 0) only",
    "gru_hard_sigmoid": "clip(x / 6 + 0.5, 0, 1)",
    "gru_initial_state_ignored": "zero initial state",
    "gru_backwards_flipped_back": "flipped back to time order",
    "gru_loop_stops_early": "stops one step early",
    "padding_mask_inverted": "mask inverted",
    "padding_mask_int": "only the dtype differs",
    "padding_mask_from_lengths": "sequence lengths",
    "masking_mask_ignored": "mask ignored",
    "masking_zeros_at_masked_steps": "zeros output at the masked steps",
    "masking_initial_state_as_output": "the state h in place of the output",
    "masking_last_output_is_state": "the state h in place of the output",
    "masking_lstm_cell_updated": "cell state c updated at the masked steps",
    "masking_lstm_outputs_times_mask": "outputs of an unmasked run multiplied by the mask",
    "masking_gru_state_reset": "state reset to zeros at the masked steps",
    "masking_gru_mask_not_reversed": "mask not reversed with the inputs",
    "masking_bidirectional_no_zeros": "outputs at the masked steps kept",
    "masking_bidirectional_zeroed_before_flip": "zeroed with the mask in processing order",
    "params_bias_forgotten": "without the bias",
    "params_gru_bias_once": "GRU bias counted once",
    "params_use_bias_ignored": "although use_bias=False",
    "params_recurrent_kernel_forgotten": "without the recurrent kernel",
    "params_bidirectional_not_doubled": "one layer's count",
    "params_lstm_three_blocks": "3 block(s)",
    "params_embedding_bias": "bias of E values",
    "backward_embedding_assigns_rows": "one contribution kept per repeated id",
    "backward_embedding_transposed": "gradient transposed, (E, V)",
    "backward_simple_rnn_no_tanh_derivative": "tanh derivative left out",
    "backward_simple_rnn_derivative_of_z": "1 - z_t**2",
    "backward_simple_rnn_derivative_of_h_prev": "1 - h_prev**2",
    "backward_simple_rnn_stops_early": "stops one step early",
    "backward_simple_rnn_d_output_every_step": "d_output added at every step",
    "backward_simple_rnn_d_output_last_only": "d_output added at the last step only",
    "backward_simple_rnn_dx_processing_order": "input gradient left in processing order",
    "backward_simple_rnn_dh_reset_each_step": "dh not carried back",
    "backward_simple_rnn_initial_state_zeros": "zero gradient for the initial state",
    "backward_lstm_cell_path_dropped": "cell-state path dropped",
    "backward_lstm_dc_from_dh_only": "dc restarting at each step",
    "backward_lstm_derivative_of_c": "1 - c_t**2",
    "backward_lstm_gate_order_ifoc": "order i, f, o, c",
    "backward_lstm_candidate_sigmoid_derivative": "g * (1 - g)",
    "backward_lstm_d_output_time_order": "d_output read in time order",
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
    "masking_bidirectional_mask_not_passed": "arguments no correct solution passes",
    "params_embedding_bidirectional_allowed": "expected ValueError, but the function returned normally",
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
    "    keep = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)\n"
    "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)\n"
    "    out, outputs = np.zeros((batch, units)), []\n"
    "    for t in order:\n"
    "        new = simple_rnn_step(inputs[:, t], h, kernel, recurrent_kernel, bias)\n"
    "        step = keep[:, t, None]\n"
    "        h, out = np.where(step, new, h), np.where(step, new, out)\n"
    "        outputs.append(out)\n"
    "    output = np.stack(outputs, axis=1) if return_sequences else out\n"
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
    "        h_new, c_new = lstm_step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)\n"
)
_SIGMOID = "return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))"
_GRU_GATES = (
    "    from_input = np.asarray(x_t) @ np.asarray(kernel)\n"
    "    from_state = np.asarray(h_prev) @ np.asarray(recurrent_kernel)\n"
    "    if bias is not None:\n"
    "        from_input = from_input + np.asarray(bias)[0]\n"
    "        from_state = from_state + np.asarray(bias)[1]\n"
    "    x_z, x_r, x_h = np.split(from_input, 3, axis=-1)\n"
    "    h_z, h_r, h_h = np.split(from_state, 3, axis=-1)\n"
    "    z, r = (0.5 * (1.0 + np.tanh(0.5 * (a + b))) for a, b in ((x_z, h_z), (x_r, h_r)))\n"
    "    return z, r, np.tanh(x_h + r * h_h)\n"
)
_GRU_ALTERNATIVES = (
    Mistake("gru_fused_matmul", "gru", _GRU_GATES,
            "    x, h = np.asarray(x_t), np.asarray(h_prev)\n"
            "    W, R = np.asarray(kernel), np.asarray(recurrent_kernel)\n"
            "    D, U = W.shape[0], R.shape[0]\n"
            "    b = np.zeros((2, 3 * U)) if bias is None else np.asarray(bias)\n"
            "    fused = np.block([[W, np.zeros((D, U))],\n"
            "                      [R[:, : 2 * U], np.zeros((U, U)), R[:, 2 * U :]]])\n"
            "    b_fused = np.concatenate([b[0, : 2 * U] + b[1, : 2 * U], b[0, 2 * U :], b[1, 2 * U :]])\n"
            "    out = np.concatenate([x, h], axis=-1) @ fused + b_fused\n"
            "    z, r = np.split(1.0 / (1.0 + np.exp(-out[:, : 2 * U])), 2, axis=-1)\n"
            "    return z, r, np.tanh(out[:, 2 * U : 3 * U] + r * out[:, 3 * U :])\n",
            "the GRU gates from one matmul of [x_t, h_prev] with a block matrix of both kernels"),
    Mistake("gru_projected_inputs", "gru",
            "    for t in order:\n        new = gru_step(inputs[:, t], h, kernel, recurrent_kernel, bias)\n",
            "    W, R = np.asarray(kernel), np.asarray(recurrent_kernel)\n"
            "    b = np.zeros((2, 3 * units)) if bias is None else np.asarray(bias)\n"
            "    xw = inputs @ W + b[0]\n"
            "    for t in order:\n"
            "        x_z, x_r, x_h = np.split(xw[:, t], 3, axis=-1)\n"
            "        h_z, h_r, h_h = np.split(h @ R + b[1], 3, axis=-1)\n"
            "        z, r = 1.0 / (1.0 + np.exp(-(x_z + h_z))), 1.0 / (1.0 + np.exp(-(x_r + h_r)))\n"
            "        new = z * h + (1.0 - z) * np.tanh(x_h + r * h_h)\n",
            "the GRU projects the inputs of every step before the loop and computes its gates inline"),
    Mistake("gru_float32", "gru",
            "    inputs = np.asarray(inputs)\n    batch, steps, _ = inputs.shape\n",
            "    f32 = np.float32\n"
            "    inputs = np.asarray(inputs, f32)\n"
            "    kernel, recurrent_kernel = np.asarray(kernel, f32), np.asarray(recurrent_kernel, f32)\n"
            "    bias = None if bias is None else np.asarray(bias, f32)\n"
            "    initial_state = None if initial_state is None else np.asarray(initial_state, f32)\n"
            "    batch, steps, _ = inputs.shape\n",
            "the GRU layer casts its inputs, weights and state to float32"),
)
_MASKING_ALTERNATIVES = (
    Mistake("masking_lstm_blend", "masking", _LSTM_MASKED,
             "        m = step.astype(float)\n"
             "        h, c = m * h_new + (1 - m) * h, m * c_new + (1 - m) * c\n"
             "        out = m * h_new + (1 - m) * out",
             "the LSTM blends new and carried values with a 0/1 float mask", module="lstm"),
    Mistake("masking_gru_rows_if_else", "masking",
             "        h, out = np.where(step, new, h), np.where(step, new, out)",
             "        h, out = h.copy(), out.copy()\n"
             "        for n in range(batch):\n"
             "            if keep[n, t]:\n"
             "                h[n], out[n] = new[n], new[n]\n"
             "            else:\n"
             "                h[n], out[n] = h[n], out[n]",
             "the GRU updates each row with an explicit if and else on its mask value", module="gru"),
    Mistake("masking_bidirectional_where", "masking", _ZEROED,
             "        if mask is not None:\n"
             "            keep = np.asarray(mask)[..., np.newaxis]\n"
             "            forward = np.where(keep, forward, 0.0)\n"
             "            backward = np.where(keep, backward, 0.0)\n",
             "Bidirectional zeroes the masked steps with np.where", module="bidirectional"),
    Mistake("padding_mask_not_equal", "masking",
            "return np.asarray(ids) != 0", "return np.not_equal(ids, 0)",
            "the padding mask computed with np.not_equal on the array-like"),
)

_LSTM_BPTT_START = (
    "    if initial_state is None:\n"
    "        h, c = np.zeros((batch, units)), np.zeros((batch, units))\n"
    "    else:\n"
    "        h, c = (np.asarray(state, dtype=np.float64) for state in initial_state)\n"
)
_LSTM_BPTT_LOOP = (
    "        squashed = np.tanh(c_t)\n"
    "        dc = dc + dh * o * (1.0 - squashed**2)\n"
    "        " + _LSTM_DZ + "\n"
    "        dx[:, t] = dz @ W.T\n"
    "        dW += x[:, t].T @ dz\n"
    "        dR += h_prev.T @ dz\n"
    "        db += dz.sum(axis=0)\n"
    "        dh, dc = dz @ R.T, dc * f\n"
)
_BACKWARD_ALTERNATIVES = (
    Mistake("backward_embedding_one_hot", "backward",
            "    grad = np.zeros((vocab_size, d_output.shape[-1]))\n    np.add.at(",
            "    from rnnlab.one_hot import one_hot\n\n"
            "    flat = d_output.reshape(-1, d_output.shape[-1])\n"
            "    return one_hot(np.asarray(ids).reshape(-1), vocab_size).T @ flat\n"
            "    np.add.at(",
            "embedding_backward as one_hot(ids).T @ d_output"),
    Mistake("backward_embedding_row_loop", "backward",
            "    np.add.at(grad, np.asarray(ids).reshape(-1), d_output.reshape(-1, d_output.shape[-1]))\n",
            "    rows = d_output.reshape(-1, d_output.shape[-1])\n"
            "    for position, v in enumerate(np.asarray(ids).reshape(-1)):\n"
            "        grad[v] += rows[position]\n",
            "embedding_backward adding each position's row in a Python loop"),
    Mistake("backward_simple_rnn_stores_preactivations", "backward",
            _SIMPLE_BPTT, _stored_z("(1.0 - np.tanh(pre[n]) ** 2)"),
            "simple_rnn_backward keeps the pre-activations and differentiates tanh from them"),
    Mistake("backward_lstm_float32_per_gate", "backward",
            _LSTM_BPTT_START,
            "    f32 = np.float32\n"
            "    x, W, R, b = (v.astype(f32) for v in (x, W, R, b))\n"
            "    if initial_state is None:\n"
            "        h, c = np.zeros((batch, units), f32), np.zeros((batch, units), f32)\n"
            "    else:\n"
            "        h, c = (np.asarray(state, dtype=f32) for state in initial_state)\n",
            "the LSTM backward pass computed in float32"),
    Mistake("backward_lstm_explicit_gates", "backward", _LSTM_BPTT_LOOP,
            "        tanh_c = np.tanh(c_t)\n"
            "        d_o = dh * tanh_c\n"
            "        dc = dc + dh * o * (1 - tanh_c * tanh_c)\n"
            "        d_i, d_f, d_g = dc * g, dc * c_prev, dc * i\n"
            "        gates = (d_i * i * (1 - i), d_f * f * (1 - f), d_g * (1 - g * g), d_o * o * (1 - o))\n"
            "        for k, dz_k in enumerate(gates):\n"
            "            cols = slice(k * units, (k + 1) * units)\n"
            "            dW[:, cols] += x[:, t].T @ dz_k\n"
            "            dR[:, cols] += h_prev.T @ dz_k\n"
            "            db[cols] += dz_k.sum(axis=0)\n"
            "            dx[:, t] += dz_k @ W[:, cols].T\n"
            "        dh = sum(dz_k @ R[:, k * units : (k + 1) * units].T for k, dz_k in enumerate(gates))\n"
            "        dc = dc * f\n",
            "the LSTM backward pass with explicit per-gate derivatives and per-block weight gradients"),
)

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
            "    keep = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)\n"
            "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)\n"
            "    rows, states = [], []\n"
            "    for n in range(batch):\n"
            "        h_n, out_n, seq = h0[n : n + 1], np.zeros((1, units)), []\n"
            "        for t in order:\n"
            "            if keep[n, t]:\n"
            "                x_n = inputs[n : n + 1, t]\n"
            "                h_n = simple_rnn_step(x_n, h_n, kernel, recurrent_kernel, bias)\n"
            "                out_n = h_n\n"
            "            seq.append(out_n[0])\n"
            "        rows.append(seq)\n"
            "        states.append(h_n[0])\n"
            "    h = np.array(states)\n"
            "    output = np.array(rows) if return_sequences else np.array([seq[-1] for seq in rows])\n",
            "SimpleRNN looping over the batch one sequence at a time with an explicit if for masked steps"),
    Mistake("simple_rnn_own_loop", "simple_rnn", _SIMPLE_LOOP,
            "    W, R = np.asarray(kernel), np.asarray(recurrent_kernel)\n"
            "    b = 0.0 if bias is None else np.asarray(bias)\n"
            "    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)\n"
            "    keep = np.ones((batch, steps)) if mask is None else np.asarray(mask, float)\n"
            "    xs, ms = (inputs[:, ::-1], keep[:, ::-1]) if go_backwards else (inputs, keep)\n"
            "    out, outputs = np.zeros((batch, units)), []\n"
            "    for t in range(steps):\n"
            "        m = ms[:, t, None]\n"
            "        new = np.tanh(xs[:, t] @ W + h @ R + b)\n"
            "        h, out = m * new + (1 - m) * h, m * new + (1 - m) * out\n"
            "        outputs.append(out)\n"
            "    output = np.stack(outputs, axis=1) if return_sequences else out\n",
            "SimpleRNN with its own loop over reversed inputs and no call of the step function"),
    Mistake("lstm_projected_inputs", "lstm", _LSTM_LOOP,
            "    xw = inputs @ np.asarray(kernel) + (0.0 if bias is None else np.asarray(bias))\n"
            "    for t in order:\n"
            "        z_i, z_f, z_c, z_o = np.split(xw[:, t] + h @ np.asarray(recurrent_kernel), 4, axis=-1)\n"
            "        c_new = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)\n"
            "        h_new = sigmoid(z_o) * np.tanh(c_new)\n",
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
            "    backward = np.asarray(layer(inputs, *backward_weights, go_backwards=True, **options))\n"
            "    if return_sequences:\n"
            "        backward = backward[:, ::-1]\n",
            "    if mask is not None:\n"
            '        options["mask"] = np.asarray(mask)[:, ::-1]\n'
            "    backward = np.asarray(layer(np.asarray(inputs)[:, ::-1], *backward_weights, **options))\n"
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
    *_GRU_ALTERNATIVES,
    *_MASKING_ALTERNATIVES,
    Mistake("params_from_weight_shapes", "params",
            "    blocks = {\"simple_rnn\": 1, \"lstm\": 4, \"gru\": 3}[layer]\n"
            "    bias_rows = (2 if layer == \"gru\" else 1) if use_bias else 0\n"
            "    one = blocks * units * (input_dim + units + bias_rows)\n",
            "    import math\n"
            "\n"
            "    k = {\"simple_rnn\": 1, \"lstm\": 4, \"gru\": 3}[layer]\n"
            "    shapes = [(input_dim, k * units), (units, k * units)]\n"
            "    if use_bias:\n"
            "        shapes.append((2, 3 * units) if layer == \"gru\" else (k * units,))\n"
            "    one = sum(math.prod(shape) for shape in shapes)\n",
            "count_params adds up the sizes of the layer's weight shapes"),
    *_BACKWARD_ALTERNATIVES,
)
