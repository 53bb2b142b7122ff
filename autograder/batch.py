"""Grade every submission folder in a directory into a CSV gradebook, resumably.

Each student's result is written atomically to ``<feedback>/<student>.json`` (with a
readable ``.txt`` beside it) as soon as it is graded; a rerun skips students whose
result matches their current files, so a batch that was killed goes on where it stopped.
A submission that cannot be graded gets a row with its error, never stops the batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import intake, report
from autograder.catalog import EXERCISES
from autograder.grading import grade
from autograder.intake import SubmissionError
from autograder.runner import IsolationError, Limits, Workers


def _intake(submission: Path) -> tuple[dict[str, bytes] | None, str, str]:
    """The submission's files (None if it cannot be graded), its resume key, and why not."""
    try:
        if submission.is_symlink():
            raise SubmissionError(f"{intake.printable(submission.name)} is a symbolic link: "
                                  "only a real folder is graded")
        files = intake.package_files(submission)
    except SubmissionError as error:
        return None, hashlib.sha256(str(error).encode()).hexdigest(), str(error)
    return files, intake.fingerprint(files), ""


def _stored(path: Path, print_: str) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if record.get("fingerprint") == print_ else None


def _grade_one(
    submission: Path, files: dict[str, bytes] | None, key: tuple[str, str], feedback_dir: Path,
    workers: Workers, live: bool,
) -> dict:
    print_, problem = key
    student = submission.name
    record: dict = {"student": intake.printable(student), "fingerprint": print_, "isolation": ""}
    try:
        if files is None:
            raise SubmissionError(problem)
        result = grade(submission, workers, live, files)
    except IsolationError:
        raise  # the machine, not the submission: the batch stops, keeping what it graded
    except Exception as error:  # one broken submission (or a dead worker) never stops the batch
        problem = str(error) if isinstance(error, SubmissionError) else f"grader error: {error!r:.200}"
        record.update(total=0.0, error=problem, **{e: 0.0 for e in EXERCISES})
        report.write_atomically(feedback_dir / f"{student}.txt", f"Not graded: {problem}\n")
    else:
        record.update(total=result.score, error="", isolation=" ".join(result.isolation),
                      **{e: result.exercise_score(e) for e in EXERCISES})
        record["results"] = report.gradescope(result)
        report.write_atomically(feedback_dir / f"{student}.txt", report.feedback(result) + "\n")
    report.write_atomically(feedback_dir / f"{student}.json", json.dumps(record, indent=1))
    return record


def gradebook(records: list[dict]) -> str:
    """The CSV text: one row per student, points per exercise and the total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *EXERCISES, "total", "error", "isolation"])
    for record in sorted(records, key=lambda r: r["student"]):
        writer.writerow([record["student"], *(f"{record[e]:g}" for e in EXERCISES),
                         f"{record['total']:g}", record["error"], record.get("isolation", "")])
    return out.getvalue()


def _progress_printer(total: int) -> Callable[[dict, bool], None]:
    lock, done = threading.Lock(), [0]
    interactive = sys.stderr.isatty()

    def show(record: dict, reused: bool) -> None:
        with lock:
            done[0] += 1
            width = 30
            filled = width * done[0] // total
            note = "kept" if reused else (record["error"] or f"{record['total']:g} points")
            line = (f"[{'#' * filled}{'.' * (width - filled)}] {done[0]}/{total} "
                    f"{record['student']}: {note}")
            end = "\r" if interactive and done[0] < total else "\n"
            print(f"{line:<100}", end=end, file=sys.stderr, flush=True)

    return show


def run_batch(
    directory: Path,
    out: Path,
    jobs: int = 1,
    feedback_dir: Path | None = None,
    live: bool = False,
    limits: Limits | None = None,
    require_isolation: bool = False,
) -> list[dict]:
    """Grade every subfolder of ``directory``; writes ``out`` (CSV) and per-student files."""
    submissions = sorted(p for p in directory.iterdir()
                         if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."))
    feedback_dir = feedback_dir or out.with_name(f"{out.stem}-feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    show = _progress_printer(max(len(submissions), 1))
    records: list[dict] = []
    todo = []
    for submission in submissions:
        files, print_, problem = _intake(submission)
        stored = _stored(feedback_dir / f"{submission.name}.json", print_)
        if stored is None:
            todo.append((submission, files, (print_, problem)))
        else:
            records.append(stored)
            show(stored, True)
    local = threading.local()
    pools: list[Workers] = []

    def work(submission: Path, files: dict[str, bytes] | None, key: tuple[str, str]) -> None:
        if not hasattr(local, "workers"):
            local.workers = Workers(limits, require_isolation=require_isolation)
            pools.append(local.workers)
        record = _grade_one(submission, files, key, feedback_dir, local.workers, live)
        if record["error"].startswith("grader error"):  # start the next one with fresh workers
            local.workers = Workers(limits, require_isolation=require_isolation)
            pools.append(local.workers)
        records.append(record)  # list.append is atomic: kept even if the batch is stopped
        show(record, False)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as executor:
            for future in [executor.submit(work, *job) for job in todo]:
                future.result()
    finally:
        for workers in pools:
            workers.close()
        report.write_atomically(out, gradebook(records))
    return records
