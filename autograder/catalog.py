"""The nine exercises: their order, folders and points (100 in all), and where the project lies."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: autograder/ beside exercises/, solutions/
EXERCISE_DOCS = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions" / "rnnlab"
TEMPLATE = ROOT / "student_template"  # generated from the three above

EXERCISES = ("one_hot", "embedding", "simple_rnn", "lstm", "bidirectional", "gru", "masking", "params",
             "backward")
# Every hidden case of an exercise is worth the same share of its points.
POINTS = {"one_hot": 5, "embedding": 8, "simple_rnn": 13, "lstm": 15, "bidirectional": 10,
          "gru": 13, "masking": 14, "params": 8, "backward": 14}
TITLES = {
    "one_hot": "one-hot encoding",
    "embedding": "embedding lookup",
    "simple_rnn": "SimpleRNN",
    "lstm": "LSTM",
    "bidirectional": "Bidirectional",
    "gru": "GRU",
    "masking": "masking and padding",
    "params": "parameter counts",
    "backward": "backpropagation through time",
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
