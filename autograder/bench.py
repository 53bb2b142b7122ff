"""``python -m autograder bench``: grading speed, printed (never asserted in tests).

Grades the solutions ``runs`` times with one fork server each (cold, as ``grade`` does)
and a folder of ``count`` submissions with ``batch`` and ``jobs`` parallel jobs; prints
the median seconds per submission and submissions per second. TensorFlow is not imported.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.batch import run_batch
from autograder.demo import SAMPLE_MISTAKES
from autograder.grading import grade, grade_one, suites
from autograder.runner import Workers
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


def _whole_processes(submission: Path, runs: int) -> list[float]:
    """Seconds of ``python -m autograder grade`` from start to exit, ``runs`` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission)], cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def _confinement_ms(repeats: int = 20) -> tuple[float, float, list[str]]:
    """Median milliseconds a child takes to confine itself, kernel layers alone and with the
    hook; and the layers."""
    with Workers() as workers:
        probes = [workers.probe() for _ in range(repeats)]
        alone = [probe["ms"] for probe in probes]
        with_hook = []
        for _ in range(repeats):
            grade(ROOT / "solutions", workers)
            with_hook.append(workers.confine_ms)
    return statistics.median(alone), statistics.median(with_hook), probes[0]["layers"]


def main(runs: int = 10, count: int = 50, jobs: int = 2) -> int:
    whole = _whole_processes(ROOT / "solutions", runs)
    print(f"whole `grade` process: median {statistics.median(whole):.3f} s, min {min(whole):.3f} s, "
          f"max {max(whole):.3f} s over {runs} runs")
    alone, with_hook, layers = _confinement_ms()
    print(f"confining one child: {alone:.2f} ms for the kernel's layers, {with_hook:.2f} ms with the hook "
          f"(median of 20; layers: {' '.join(layers)})")
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
