"""The eight exercises: their order, folders and points (100 in all)."""

EXERCISES = ("one_hot", "embedding", "simple_rnn", "lstm", "bidirectional", "gru", "masking", "params")
# Every hidden case of an exercise is worth the same share of its points.
POINTS = {"one_hot": 5, "embedding": 9, "simple_rnn": 15, "lstm": 18, "bidirectional": 12,
          "gru": 15, "masking": 16, "params": 10}
TITLES = {
    "one_hot": "one-hot encoding",
    "embedding": "embedding lookup",
    "simple_rnn": "SimpleRNN",
    "lstm": "LSTM",
    "bidirectional": "Bidirectional",
    "gru": "GRU",
    "masking": "masking and padding",
    "params": "parameter counts",
}
def number(exercise: str) -> str:
    """``"03"`` for ``simple_rnn``: the exercise's position, two digits."""
    return f"{EXERCISES.index(exercise) + 1:02d}"


def stub_message(exercise: str, function: str) -> str:
    """What a template stub raises: ``Exercise 03 (simple_rnn): implement simple_rnn_step``."""
    return f"Exercise {number(exercise)} ({exercise}): implement {function}"


def folder(exercise: str) -> str:
    """``"03_simple_rnn"``: the exercise's folder under ``exercises/``."""
    return f"{number(exercise)}_{exercise}"
