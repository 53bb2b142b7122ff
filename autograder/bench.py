"""``python -m autograder bench``: grading speed, printed (never asserted in tests).

Grades the solutions ``runs`` times with one fork server each (cold, as ``grade`` does)
and a folder of ``count`` submissions with ``batch`` and ``jobs`` parallel jobs; prints
the median seconds per submission and submissions per second. TensorFlow is not imported.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import run_batch
from autograder.demo import SAMPLE_MISTAKES
from autograder.grading import grade_one, suites
from autograder.template import ROOT, TEMPLATE
from autograder.variants import make_submission


def _folder_of_submissions(root: Path, count: int) -> Path:
    """``count`` submissions: solutions, the template and mistaken students in turn."""
    folder = root / "submissions"
    for n in range(count):
        mistakes = (SAMPLE_MISTAKES[n % len(SAMPLE_MISTAKES)],) if n % 3 == 2 else ()
        target = make_submission(folder / f"student{n:03d}", mistakes)
        if n % 3 == 1:
            for stub in (TEMPLATE / "rnnlab").glob("*.py"):
                (target / "rnnlab" / stub.name).write_bytes(stub.read_bytes())
    return folder


def main(runs: int = 10, count: int = 50, jobs: int = 2) -> int:
    suites()  # reading the fixtures once is part of start-up, not of each grading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = grade_one(ROOT / "solutions")
        times.append(time.perf_counter() - started)
    print(f"one submission ({len(result.results)} cases, score {result.score:g}): "
          f"median {statistics.median(times):.3f} s, min {min(times):.3f} s over {runs} runs")
    with tempfile.TemporaryDirectory() as workdir:
        folder = _folder_of_submissions(Path(workdir), count)
        started = time.perf_counter()
        run_batch(folder, Path(workdir) / "grades.csv", jobs=jobs)
        seconds = time.perf_counter() - started
    print(f"batch of {count} submissions with {jobs} jobs: {seconds:.2f} s, "
          f"{count / seconds:.1f} submissions/s, {seconds / count:.3f} s per submission")
    print(f"tensorflow imported: {'tensorflow' in sys.modules}")
    return 0
