"""``python -m autograder bench``: grading speed, printed (never asserted in tests).

Times whole processes, as a user starts them: ``grade`` of the solutions and, when
otter-grader is installed, ``otter run`` of the same solutions with this kit's otter zip
(``runs`` times each: median, min, max, and their ratio); one child's start-up; the
solutions graded in-process; and one ``batch`` of ``count`` mixed submissions with ``jobs``
parallel jobs; and, when nbclient is installed, the training notebook of exercise 09 run
against the solutions without TensorFlow. TensorFlow is not imported here.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.authoring.variants import make_submission
from autograder.catalog import ROOT, TEMPLATE
from autograder.demo import SAMPLE_MISTAKES
from autograder.engine.grading import grade, grade_one, suites
from autograder.engine.runner import Workers


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


def _timed(command: list[str], runs: int) -> list[float]:
    """Seconds of ``command`` (a whole process) from start to exit, ``runs`` times."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def _figures(times: list[float]) -> str:
    return (f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
            f"over {len(times)} runs")


def _otter_runs(workdir: Path, runs: int) -> list[float] | None:
    """``otter run`` of the solutions with this kit's otter zip; None without otter."""
    if importlib.util.find_spec("otter") is None:
        return None
    from autograder.integrations import otter

    archive = otter.build(workdir / "otter", check=False)
    submission = otter.otter_submission(ROOT / "solutions", workdir / "solutions-otter.zip")
    return _timed([sys.executable, "-m", "otter", "run", "-a", str(archive), "-o", str(workdir),
                   "--no-logo", str(submission)], runs)


def _training_notebook_seconds(workdir: Path) -> float | None:
    """One run of 09's notebook (kernel start included) in a copy of the template with the
    solutions, as a student without TensorFlow runs it; None without nbclient."""
    if importlib.util.find_spec("nbclient") is None:
        return None
    import shutil

    kit = workdir / "kit"
    shutil.copytree(TEMPLATE, kit)
    for source in (ROOT / "solutions" / "rnnlab").glob("*.py"):
        shutil.copyfile(source, kit / "rnnlab" / source.name)
    [notebook] = (kit / "exercises" / "09_backward").glob("*.ipynb")
    command = [sys.executable, "-m", "jupyter", "execute", "--inplace", str(notebook)]
    env = {**os.environ, "RNNLAB_NO_KERAS": "1", "MPLBACKEND": "Agg"}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=notebook.parent)
    return time.perf_counter() - started


def _child_start_ms(repeats: int = 20) -> tuple[float, float, float, list[str]]:
    """Median milliseconds of one child's start-up: fork request to its report (a probe),
    confining itself with the kernel's layers alone, and with the hook; and the layers."""
    with Workers() as workers:
        workers.probe()
        round_trips, probes = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            probes.append(workers.probe())
            round_trips.append((time.perf_counter() - started) * 1000)
        with_hook = []
        for _ in range(repeats):
            grade(ROOT / "solutions", workers)
            with_hook.append(workers.confine_ms)
    return (statistics.median(round_trips), statistics.median(probe["ms"] for probe in probes),
            statistics.median(with_hook), probes[0]["layers"])


def main(runs: int = 10, count: int = 50, jobs: int = 2) -> int:
    print(f"{platform.node() or 'this machine'}: {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
    whole = _timed([sys.executable, "-m", "autograder", "grade", str(ROOT / "solutions")], runs)
    print(f"whole `grade` process: {_figures(whole)}")
    with tempfile.TemporaryDirectory() as workdir:
        otter_times = _otter_runs(Path(workdir), runs)
    if otter_times is None:
        print("otter run: otter-grader is not installed (make test installs it)")
    else:
        print(f"whole `otter run` of the same solutions: {_figures(otter_times)}; "
              f"{statistics.median(otter_times) / statistics.median(whole):.1f}x the time of `grade`")
    start, alone, with_hook, layers = _child_start_ms()
    print(f"one child's start-up: {start:.2f} ms from the fork request to its first report; confining "
          f"itself {alone:.2f} ms with the kernel's layers, {with_hook:.2f} ms with the hook too "
          f"(medians of 20; layers: {' '.join(layers)})")
    suites()  # reading the fixtures once is part of start-up, not of each grading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = grade_one(ROOT / "solutions")
        times.append(time.perf_counter() - started)
    print(f"one submission in-process ({len(result.results)} cases, score {result.score:g}), its fork "
          f"server included: {_figures(times)}")
    with tempfile.TemporaryDirectory() as workdir:
        folder = _folder_of_submissions(Path(workdir), count)
        [seconds] = _timed([sys.executable, "-m", "autograder", "batch", str(folder), "--out",
                            str(Path(workdir) / "grades.csv"), "--jobs", str(jobs)], 1)
    print(f"whole `batch` process, {count} mixed submissions with --jobs {jobs}: {seconds:.2f} s, "
          f"{count / seconds:.1f} submissions/s, {seconds / count:.3f} s per submission")
    with tempfile.TemporaryDirectory() as workdir:
        notebook = _training_notebook_seconds(Path(workdir))
    if notebook is None:
        print("09's training notebook: nbclient is not installed (make test installs it)")
    else:
        print(f"09's training notebook, without TensorFlow, kernel start included: {notebook:.1f} s "
              f"(its statement promises under a minute on 2 cores)")
    print(f"tensorflow imported: {'tensorflow' in sys.modules}")
    return 0
