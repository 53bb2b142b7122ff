"""The five exercises: their order, folders and points."""

EXERCISES = ("one_hot", "embedding", "simple_rnn", "lstm", "bidirectional")
POINTS = {"one_hot": 10, "embedding": 15, "simple_rnn": 25, "lstm": 30, "bidirectional": 20}
TITLES = {
    "one_hot": "one-hot encoding",
    "embedding": "embedding lookup",
    "simple_rnn": "SimpleRNN",
    "lstm": "LSTM",
    "bidirectional": "Bidirectional",
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
