"""Which candidate mistakes are tried for each graded function."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import Candidate
from autograder.engine.diagnosis.backward import backward_candidates
from autograder.engine.diagnosis.bidirectional import bidirectional_candidates
from autograder.engine.diagnosis.embeddings import (
    cosine_candidates,
    embedding_backward_candidates,
    lookup_candidates,
    matmul_candidates,
    one_hot_candidates,
)
from autograder.engine.diagnosis.padding_mask import padding_mask_candidates
from autograder.engine.diagnosis.param_counts import count_params_candidates
from autograder.engine.diagnosis.sequence_mistakes import layer_candidates
from autograder.engine.diagnosis.steps import sigmoid_candidates, step_candidates

CANDIDATES: dict[str, Callable[[Case], Iterator[Candidate]]] = {
    "one_hot": one_hot_candidates,
    "embedding_lookup": lookup_candidates,
    "embedding_matmul": matmul_candidates,
    "cosine_similarity": cosine_candidates,
    "simple_rnn_step": step_candidates("simple_rnn_step"),
    "simple_rnn": layer_candidates("simple_rnn"),
    "sigmoid": sigmoid_candidates,
    "lstm_gates": step_candidates("lstm_gates"),
    "lstm_step": step_candidates("lstm_step"),
    "lstm": layer_candidates("lstm"),
    "bidirectional": bidirectional_candidates,
    "gru_gates": step_candidates("gru_gates"),
    "gru_step": step_candidates("gru_step"),
    "gru": layer_candidates("gru"),
    "padding_mask": padding_mask_candidates,
    "count_params": count_params_candidates,
    "embedding_backward": embedding_backward_candidates,
    "simple_rnn_backward": backward_candidates("simple_rnn"),
    "lstm_backward": backward_candidates("lstm"),
}
