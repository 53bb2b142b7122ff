"""Mistakes the feedback was not tuned on: written before the evidence-based localisation.

Each entry of ``UNSEEN`` is one realistic mistake of a kind ``catalogue.MISTAKES`` lacks
(array-like inputs, empty ids, a second call, ``D == U``, a wrong gate, a recurrence that
drops its state, an option's branch...). ``LOCATED`` gives, for each, the words any one of
which, in the feedback of its exercise, shows that the grader named the mistake or the exact
wrong part (gate, result, option, step, axis). ``tests/catalogue_report.py`` reports the
share; the entries and their words were committed before the localisation code.
"""

from __future__ import annotations

from autograder.authoring.variants import Mistake

_LOOP_STEP = "        new = simple_rnn_step(inputs[:, t], h, kernel, recurrent_kernel, bias)"
_SIMPLE_STATE = "    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)"
_LSTM_LOOP = "        h_new, c_new = lstm_step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)"
_GATES = "    return sigmoid(z_i), sigmoid(z_f), np.tanh(z_c), sigmoid(z_o)"
_LOOKUP = "    check_ids(ids, table.shape[0])\n    return table[ids]"
_STEP_Z = "    z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)"
_FORWARD = "    forward = np.asarray(layer(inputs, *forward_weights, **options))"

UNSEEN: tuple[Mistake, ...] = (
    # --- 01 one_hot
    Mistake("one_hot_rejects_lists", "one_hot",
            "    indices = np.asarray(indices)\n",
            "    if not isinstance(indices, np.ndarray):\n"
            "        raise TypeError('indices must be a NumPy array')\n",
            "Python lists and ints are refused although the contract takes any array-like"),
    Mistake("one_hot_scalar_gets_a_batch_axis", "one_hot",
            "    indices = np.asarray(indices)\n", "    indices = np.atleast_1d(np.asarray(indices))\n",
            "a scalar index gives shape (1, depth) instead of (depth,)"),
    Mistake("one_hot_classes_from_one", "one_hot",
            "classes = np.arange(depth)", "classes = np.arange(1, depth + 1)",
            "classes are counted from 1, so every row is shifted one place along the last axis"),
    Mistake("one_hot_refuses_unsigned", "one_hot",
            'if indices.dtype.kind not in "iu":', 'if indices.dtype.kind != "i":',
            "unsigned integer indices are refused with a TypeError"),
    Mistake("one_hot_depth_axis_first", "one_hot",
            "return (indices[..., np.newaxis] == classes).astype(np.float32)",
            "return np.moveaxis(indices[..., np.newaxis] == classes, -1, 0).astype(np.float32)",
            "the depth axis comes first instead of last"),
    Mistake("one_hot_classes_cached", "one_hot",
            "    classes = np.arange(depth)\n",
            "    global _CLASSES\n"
            "    if '_CLASSES' not in globals():\n"
            "        _CLASSES = np.arange(depth)\n"
            "    classes = _CLASSES\n",
            "the classes of the first call are kept, so a second call with another depth is wrong"),
    # --- 02 embedding
    Mistake("check_ids_crashes_on_empty", "embedding",
            "    outside = (ids < 0) | (ids >= vocab_size)\n    if np.any(outside):",
            "    outside = (ids < 0) | (ids >= vocab_size)\n    if ids.min() < 0 or ids.max() >= vocab_size:",
            "min and max of empty ids raise ValueError"),
    Mistake("lookup_rejects_lists", "embedding",
            "    ids = np.asarray(ids)\n    table = np.asarray(embeddings)\n" + _LOOKUP,
            "    if not isinstance(ids, np.ndarray):\n        raise TypeError('ids must be an array')\n"
            "    table = np.asarray(embeddings)\n    check_ids(ids, table.shape[0])\n    return table[ids]",
            "embedding_lookup refuses Python lists of ids"),
    Mistake("lookup_flattens_ids", "embedding", _LOOKUP,
            "    check_ids(ids, table.shape[0])\n    return table[ids.ravel()]",
            "the ids are flattened, so (B, T) ids give (B*T, E) instead of (B, T, E)"),
    Mistake("matmul_in_float32", "embedding",
            "    return one_hot(ids, table.shape[0]) @ table",
            "    return one_hot(ids, table.shape[0]) @ table.astype(np.float32)",
            "the table is cast to float32 before the product, so the result is float32"),
    Mistake("matmul_depth_from_ids", "embedding",
            "    return one_hot(ids, table.shape[0]) @ table",
            "    return one_hot(ids, int(ids.max()) + 1) @ table[: int(ids.max()) + 1]",
            "the one-hot depth is taken from the largest id instead of the vocabulary size"),
    Mistake("cosine_absolute", "embedding",
            "    return np.sum(a * b, axis=-1) / (norm_a * norm_b)",
            "    return np.abs(np.sum(a * b, axis=-1)) / (norm_a * norm_b)",
            "the similarity's sign is dropped: opposite vectors give +1"),
    Mistake("cosine_keeps_the_last_axis", "embedding",
            "    return np.sum(a * b, axis=-1) / (norm_a * norm_b)",
            "    return np.sum(a * b, axis=-1, keepdims=True) / (norm_a * norm_b)[..., np.newaxis]",
            "the result keeps a trailing axis of size 1"),
    Mistake("cosine_whole_norm_of_b", "embedding",
            "    norm_b = np.maximum(np.linalg.norm(b, axis=-1), eps)",
            "    norm_b = np.maximum(np.linalg.norm(b), eps)",
            "b is divided by the norm of the whole array instead of each vector's"),
    Mistake("lookup_table_transposed", "embedding", _LOOKUP,
            "    check_ids(ids, table.shape[0])\n"
            "    return table.T[ids].T if table.shape[0] == table.shape[1] else table[ids]",
            "a square table is read as (E, V): rows and columns swapped when V == E"),
    # --- 03 simple_rnn
    Mistake("simple_rnn_square_kernel_transposed", "simple_rnn", _STEP_Z,
            "    kernel = np.asarray(kernel)\n    if kernel.shape[0] == kernel.shape[1]:\n"
            "        kernel = kernel.T  # read as (units, input_dim)\n"
            "    z = np.asarray(x_t) @ kernel + np.asarray(h_prev) @ np.asarray(recurrent_kernel)",
            "a square kernel (D == U) is transposed"),
    Mistake("simple_rnn_outputs_in_reverse", "simple_rnn",
            "        outputs.append(out)", "        outputs.insert(0, out)",
            "the sequence of outputs is stored newest first"),
    Mistake("simple_rnn_initial_state_first_row", "simple_rnn", _SIMPLE_STATE,
            "    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)[:1]",
            "only the first row of initial_state is used, for every sequence of the batch"),
    Mistake("simple_rnn_state_is_the_sequence", "simple_rnn",
            "    return (output, h) if return_state else output",
            "    return (output, output) if return_state else output",
            "return_state returns the output again as h_T"),
    Mistake("simple_rnn_skips_step_zero", "simple_rnn",
            "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)",
            "    order = range(steps - 1, -1, -1) if go_backwards else range(1, steps)",
            "the forward loop starts at step 1"),
    Mistake("simple_rnn_step_sigmoid", "simple_rnn",
            "    return np.tanh(z)", "    return 1.0 / (1.0 + np.exp(-z))",
            "sigmoid instead of tanh as the activation"),
    Mistake("simple_rnn_bias_after_tanh", "simple_rnn",
            "    if bias is not None:\n        z = z + np.asarray(bias)\n    return np.tanh(z)",
            "    h = np.tanh(z)\n    return h if bias is None else h + np.asarray(bias)",
            "the bias is added after tanh"),
    Mistake("simple_rnn_state_dropped", "simple_rnn", _LOOP_STEP,
            "        new = simple_rnn_step(inputs[:, t], np.zeros_like(h), kernel, recurrent_kernel, bias)",
            "every step starts from a zero state: the recurrence is lost"),
    Mistake("simple_rnn_state_kept_between_calls", "simple_rnn", _SIMPLE_STATE,
            "    global _LAST\n"
            "    if initial_state is None and np.shape(globals().get('_LAST')) == (batch, units):\n"
            "        h = _LAST\n"
            "    else:\n"
            "        h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)\n"
            "    _LAST = h",
            "the zero initial state is taken from the previous call's first state"),
    # --- 04 lstm
    Mistake("lstm_forget_gate_tanh", "lstm", _GATES,
            "    return sigmoid(z_i), np.tanh(z_f), np.tanh(z_c), sigmoid(z_o)",
            "tanh instead of sigmoid for the forget gate"),
    Mistake("lstm_output_gate_from_candidate_block", "lstm", _GATES,
            "    return sigmoid(z_i), sigmoid(z_f), np.tanh(z_c), sigmoid(z_c)",
            "the output gate is computed from the candidate's block"),
    Mistake("lstm_split_along_batch", "lstm",
            "    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)",
            "    z_i, z_f, z_c, z_o = np.split(z, 4, axis=0)",
            "the four blocks are split along the batch axis"),
    Mistake("lstm_cell_from_h_prev", "lstm",
            "    c_t = f * np.asarray(c_prev) + i * g", "    c_t = f * np.asarray(h_prev) + i * g",
            "the forget gate multiplies h_prev instead of c_prev"),
    Mistake("lstm_h_from_c_prev", "lstm",
            "    h_t = o * np.tanh(c_t)", "    h_t = o * np.tanh(np.asarray(c_prev))",
            "h_t uses the previous cell state"),
    Mistake("lstm_step_returns_c_h", "lstm",
            "    return h_t, c_t\n", "    return c_t, h_t\n",
            "lstm_step returns (c_t, h_t)"),
    Mistake("lstm_cell_not_carried", "lstm", _LSTM_LOOP,
            "        h_new, _ = lstm_step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)\n"
            "        c_new = c",
            "the cell state is never updated across steps"),
    Mistake("lstm_state_h_twice", "lstm",
            "    return (output, h, c) if return_state else output",
            "    return (output, h, h) if return_state else output",
            "return_state gives h_T in place of c_T"),
    Mistake("lstm_go_backwards_flips_batch", "lstm",
            "    order = range(steps - 1, -1, -1) if go_backwards else range(steps)",
            "    inputs = inputs[::-1] if go_backwards else inputs\n    order = range(steps)",
            "go_backwards reverses the batch axis instead of time"),
    Mistake("lstm_initial_cell_zero", "lstm",
            "        h, c = (np.asarray(state) for state in initial_state)",
            "        h, c = np.asarray(initial_state[0]), np.zeros((batch, units))",
            "the c_0 of initial_state is ignored"),
    Mistake("lstm_bias_only_on_input_gate", "lstm",
            "        z = z + np.asarray(bias)",
            "        quarter = np.shape(bias)[0] // 4\n"
            "        head = z[:, :quarter] + np.asarray(bias)[:quarter]\n"
            "        z = np.concatenate([head, z[:, quarter:]], axis=-1)",
            "the bias is added to the input gate's block only"),
    Mistake("lstm_sequences_of_cells", "lstm",
            "        outputs.append(out)", "        outputs.append(c)",
            "return_sequences collects the cell states instead of h"),
    Mistake("lstm_gates_without_recurrence", "lstm", _STEP_Z,
            "    z = np.asarray(x_t) @ np.asarray(kernel)",
            "the gates forget the h_prev @ recurrent_kernel term"),
    # --- 05 bidirectional
    Mistake("bidirectional_forward_always_sequences", "bidirectional", _FORWARD,
            "    options_all = {**options, 'return_sequences': True}\n"
            "    forward = np.asarray(layer(inputs, *forward_weights, **options_all))",
            "the forward layer always returns sequences"),
    Mistake("bidirectional_concat_batch_axis", "bidirectional",
            "        return np.concatenate([forward, backward], axis=-1)",
            "        return np.concatenate([forward, backward], axis=0)",
            "concat along the batch axis"),
    Mistake("bidirectional_forward_goes_backwards", "bidirectional", _FORWARD,
            "    forward = np.asarray(layer(inputs, *forward_weights, go_backwards=True, **options))",
            "the forward layer is also run backwards"),
    Mistake("bidirectional_ave_floor_division", "bidirectional",
            "        return (forward + backward) / 2", "        return (forward + backward) // 2",
            "ave uses floor division"),
    Mistake("bidirectional_none_concatenates", "bidirectional",
            "    return [forward, backward]", "    return np.concatenate([forward, backward], axis=-1)",
            "merge_mode=None concatenates instead of returning [forward, backward]"),
    Mistake("bidirectional_backward_weights_for_both", "bidirectional", _FORWARD,
            "    forward = np.asarray(layer(inputs, *backward_weights, **options))",
            "the forward layer runs with the backward weights"),
    # --- 09 backward (written before the diagnosis of exercise 09)
    Mistake("backward_embedding_rejects_lists", "backward",
            "np.add.at(grad, np.asarray(ids).reshape(-1),", "np.add.at(grad, ids.reshape(-1),",
            "embedding_backward calls ids.reshape so a Python list of ids raises AttributeError"),
    Mistake("backward_simple_rnn_dr_from_new_state", "backward",
            "        dR += states[n].T @ dz", "        dR += states[n + 1].T @ dz",
            "the recurrent kernel's gradient uses the step's new state h_t instead of h_prev"),
    Mistake("backward_simple_rnn_kernel_in_processing_order", "backward",
            "        dW += x[:, t].T @ dz\n        dR += states[n].T @ dz",
            "        dW += x[:, n].T @ dz\n        dR += states[n].T @ dz",
            "the kernel's gradient reads the inputs in processing order so go_backwards gets it wrong"),
    Mistake("backward_lstm_dc0_is_dh0", "backward",
            '"initial_state": (dh, dc)}', '"initial_state": (dh, dh)}',
            "the LSTM returns the gradient of h_0 twice as the initial states' gradients"),
)

# Any one of these words in the feedback of the mistake's exercise locates it.
LOCATED: dict[str, tuple[str, ...]] = {
    "one_hot_rejects_lists": ("list",),
    "one_hot_scalar_gets_a_batch_axis": ("scalar",),
    "one_hot_classes_from_one": ("shifted", "last axis"),
    "one_hot_refuses_unsigned": ("uint", "unsigned"),
    "one_hot_depth_axis_first": ("axes", "axis"),
    "one_hot_classes_cached": ("second call", "previous call"),
    "check_ids_crashes_on_empty": ("empty",),
    "lookup_rejects_lists": ("list",),
    "lookup_flattens_ids": ("flattened", "(B, T"),
    "matmul_in_float32": ("float32",),
    "matmul_depth_from_ids": ("depth", "one_hot"),
    "cosine_absolute": ("sign", "absolute"),
    "cosine_keeps_the_last_axis": ("axis of size 1", "trailing axis", "keepdims"),
    "cosine_whole_norm_of_b": ("norm", "each vector"),
    "lookup_table_transposed": ("transposed", "V == E", "square"),
    "simple_rnn_square_kernel_transposed": ("D == U", "transposed"),
    "simple_rnn_outputs_in_reverse": ("reversed", "flipped", "time order"),
    "simple_rnn_initial_state_first_row": ("initial_state",),
    "simple_rnn_state_is_the_sequence": ("h_T",),
    "simple_rnn_skips_step_zero": ("step 0", "first step"),
    "simple_rnn_step_sigmoid": ("sigmoid",),
    "simple_rnn_bias_after_tanh": ("bias",),
    "simple_rnn_state_dropped": ("step 0", "recurrence", "previous state"),
    "simple_rnn_state_kept_between_calls": ("previous call", "second call"),
    "lstm_forget_gate_tanh": ("f is wrong", "forget gate"),
    "lstm_output_gate_from_candidate_block": ("o is wrong", "output gate"),
    "lstm_split_along_batch": ("batch axis", "axis"),
    "lstm_cell_from_h_prev": ("c_t is wrong", "cell update", "c_prev"),
    "lstm_h_from_c_prev": ("h_t is wrong", "c_prev"),
    "lstm_step_returns_c_h": ("swapped", "(c_t, h_t)"),
    "lstm_cell_not_carried": ("cell state", "c_T", "step 0"),
    "lstm_state_h_twice": ("c_T",),
    "lstm_go_backwards_flips_batch": ("go_backwards", "batch axis"),
    "lstm_initial_cell_zero": ("initial_state", "c_0"),
    "lstm_bias_only_on_input_gate": ("bias", "i matches"),
    "lstm_sequences_of_cells": ("cell state", "c_t"),
    "lstm_gates_without_recurrence": ("h_prev", "recurrent"),
    "bidirectional_forward_always_sequences": ("return_sequences",),
    "bidirectional_concat_batch_axis": ("batch axis", "axis 0"),
    "bidirectional_forward_goes_backwards": ("forward",),
    "bidirectional_ave_floor_division": ("ave", "floor"),
    "bidirectional_none_concatenates": ("merge_mode=None", "[forward, backward]"),
    "bidirectional_backward_weights_for_both": ("forward", "weights"),
    "backward_embedding_rejects_lists": ("list",),
    "backward_simple_rnn_dr_from_new_state": ("recurrent_kernel is wrong", "h_prev"),
    "backward_simple_rnn_kernel_in_processing_order": ("go_backwards",),
    "backward_lstm_dc0_is_dh0": ("initial_state c is wrong", "c_0"),
}
