"""``python -m autograder demo``: grade the bundled sample submissions and print tables.

The samples: the reference solutions (100 points), the untouched student template
(0 points, no crash) and a sample student made from the solutions with typical mistakes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.authoring.variants import Mistake, make_submission
from autograder.catalog import ROOT, TEMPLATE
from autograder.engine import report
from autograder.engine.grading import grade
from autograder.engine.runner import Workers

SAMPLE_MISTAKES = (
    Mistake("one_hot_negative_wraps", "one_hot",
            "classes = np.arange(depth)", "classes = np.arange(depth)\n    indices = indices % depth",
            "negative indices wrap around instead of giving a zero row"),
    Mistake("lstm_gate_order_icfo", "lstm",
            "z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)", "z_i, z_c, z_f, z_o = np.split(z, 4, axis=-1)",
            "LSTM gate blocks read as i, c, f, o"),
    Mistake("bidirectional_no_flip", "bidirectional",
            "backward = backward[:, ::-1]", "backward = backward",
            "the backward sequence is not flipped back to time order"),
)


def samples(workdir: Path) -> list[tuple[str, Path]]:
    """``(label, folder)`` of every bundled sample submission."""
    student = make_submission(workdir / "sample_student", SAMPLE_MISTAKES)
    return [
        ("reference solutions", ROOT / "solutions"),
        ("untouched student template", TEMPLATE),
        ("sample student with typical mistakes", student),
    ]


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir, Workers() as workers:
        for label, folder in samples(Path(workdir)):
            print(f"=== {label} ===")
            print(report.table(grade(folder, workers), failures=2))
            print()
    return 0
