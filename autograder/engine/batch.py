"""Grade every submission folder in a directory into a CSV gradebook, resumably and honestly.

A grade is either finished and right, or absent. Each student's result is written
atomically to ``<feedback>/<student>.json`` (with a readable ``.txt`` beside it) as soon as
it is graded. A rerun reuses a stored result only when the student's files and the
result's *producer* (the kit's version, a fingerprint of the suites and their references,
stored or live references, the isolation layers) are unchanged; ``regrade`` ignores
stored results. A result the grader failed to produce itself (a grader error, a grading cut
short by an interrupt) is shown in the gradebook but never stored, so the rerun grades it
again. A submission that cannot be graded gets a row with its error.

Interrupts (Ctrl-C, any number of times, or SIGTERM) stop the batch: grades still running
are abandoned, the fork servers and their children are killed, temporary folders removed,
and the gradebook written with what was finished (:class:`Interrupted`). After SIGKILL the
fork servers die with the grader and remove their folders themselves.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from autograder.catalog import EXERCISES
from autograder.engine import intake, report
from autograder.engine.grading import grade, producer
from autograder.engine.intake import SubmissionError
from autograder.engine.outcome import IsolationError, Limits
from autograder.engine.runner import Workers

GRADER_ERROR = "grader error"


class Interrupted(Exception):
    """The batch was stopped by Ctrl-C or SIGTERM; ``records`` holds what was finished."""

    def __init__(self, records: list[dict]) -> None:
        super().__init__(f"interrupted after {len(records)} submissions")
        self.records = records


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


def _stored(path: Path, print_: str, made_by: dict) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != print_:
        return None
    return record if record.get("producer") == made_by else None


def _grade_one(
    submission: Path, files: dict[str, bytes] | None, key: tuple[str, str], workers: Workers,
    live: bool, made_by: dict,
) -> tuple[dict, str]:
    """The record of one submission and its readable feedback."""
    print_, problem = key
    name = intake.printable(submission.name)
    record: dict = {"student": name, "submission": name, "fingerprint": print_,
                    "producer": made_by, "isolation": ""}  # no code ran: no layers to report
    try:
        if files is None:
            raise SubmissionError(problem)
        result = grade(submission, workers, live, files)
    except IsolationError:
        raise  # the machine, not the submission: the batch stops, keeping what it graded
    except Exception as error:  # one broken submission (or a dead worker) never stops the batch
        problem = str(error) if isinstance(error, SubmissionError) else f"{GRADER_ERROR}: {error!r:.200}"
        record.update(total=0.0, error=problem, **{e: 0.0 for e in EXERCISES})
        return record, f"Not graded: {problem}\n"
    record.update(total=result.score, error=f"{GRADER_ERROR}: a worker failed" if result.incomplete else "",
                  producer=result.producer, isolation=result.producer["isolation"],  # what really ran it
                  **{e: result.exercise_score(e) for e in EXERCISES})
    record["results"] = report.gradescope(result)
    return record, report.feedback(result) + "\n"


def gradebook(records: list[dict], roster: bool = False) -> str:
    """The CSV text: one row per student, points per exercise and the total; with a roster
    (see :mod:`autograder.engine.roster`) also the name, email and submission, in the roster's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    who = ["student", "name", "email", "submission"] if roster else ["student"]
    writer.writerow([*who, *EXERCISES, "total", "error", "isolation"])
    for record in records if roster else sorted(records, key=lambda r: r["student"]):
        writer.writerow([*(record.get(key, "") for key in who), *(f"{record[e]:g}" for e in EXERCISES),
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


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_IGN)


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while the batch cleans up and writes its gradebook."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = [signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)]
    try:
        yield
    finally:
        for number, handler in zip((signal.SIGINT, signal.SIGTERM), previous):
            signal.signal(number, handler)


def submission_entries(directory: Path) -> list[Path]:
    """Every entry of ``directory`` but hidden ones: a folder or a zip each is a submission,
    and anything else (a link, another file) gets a row saying why it was not graded."""
    return sorted(p for p in directory.iterdir() if not p.name.startswith("."))


def run_batch(
    directory: Path,
    out: Path,
    jobs: int = 1,
    feedback_dir: Path | None = None,
    live: bool = False,
    limits: Limits | None = None,
    require_isolation: bool = False,
    regrade: bool = False,
) -> list[dict]:
    """Grade every subfolder of ``directory``; writes ``out`` (CSV) and per-student files.

    Raises :class:`Interrupted` (after writing ``out``) when stopped by Ctrl-C or SIGTERM.
    """
    submissions = submission_entries(directory)
    feedback_dir = feedback_dir or out.with_name(f"{out.stem}-feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    first = Workers(limits, require_isolation=require_isolation)  # probed, then grading too
    try:
        made_by = producer(live, [*first.probe()["layers"], "audit-hook"])
    except BaseException:
        first.close()
        raise
    show = _progress_printer(max(len(submissions), 1))
    records: list[dict] = []
    todo = []
    for submission in submissions:
        files, print_, problem = _intake(submission)
        stored = None if regrade else _stored(feedback_dir / f"{submission.name}.json", print_, made_by)
        if stored is None:
            todo.append((submission, files, (print_, problem)))
        else:
            records.append(stored)
            show(stored, True)
    local, stop = threading.local(), threading.Event()
    pools, spare = [first], [first]  # the first thread to start takes the probed fork server

    def fresh_workers() -> Workers:
        try:
            local.workers = spare.pop()
        except IndexError:
            local.workers = Workers(limits, require_isolation=require_isolation)
            pools.append(local.workers)
        return local.workers

    def work(submission: Path, files: dict[str, bytes] | None, key: tuple[str, str]) -> None:
        if stop.is_set():
            return
        workers = getattr(local, "workers", None) or fresh_workers()
        record, text = _grade_one(submission, files, key, workers, live, made_by)
        failed = record["error"].startswith(GRADER_ERROR)
        if failed and stop.is_set():
            return  # cut short by the interrupt: no grade at all
        if failed:
            fresh_workers()  # the next one starts with a fresh fork server
        report.write_atomically(feedback_dir / f"{submission.name}.txt", text)
        if not failed:  # stored results are reused by the next run: only finished grades
            report.write_atomically(feedback_dir / f"{submission.name}.json", json.dumps(record, indent=1))
        records.append(record)  # list.append is atomic: kept even if the batch is stopped
        show(record, False)

    executor = ThreadPoolExecutor(max_workers=max(1, jobs))
    futures: list[Future] = []
    interrupted = False
    try:
        with _sigterm_as_interrupt():
            futures = [executor.submit(work, *job) for job in todo]
            for future in futures:
                future.result()
    except KeyboardInterrupt:
        interrupted = True
        _ignore_interrupts()  # until the process ends: more Ctrl-C cannot cut the clean-up short
    finally:
        stop.set()
        with _no_interrupts():
            _stop(executor, futures, pools)
            report.write_atomically(out, gradebook(records))
    if interrupted:
        raise Interrupted(records)  # Ctrl-C and SIGTERM stay ignored: the caller only reports it
    return records


def _stop(executor: ThreadPoolExecutor, futures: list[Future], pools: list[Workers]) -> None:
    """Cancel what has not started, end what runs (its fork server dies), remove every folder."""
    for future in futures:
        future.cancel()
    for workers in list(pools):
        workers.close()  # grades still running fail at once, and are discarded
    executor.shutdown(wait=True)
    for workers in list(pools):  # any made while shutting down
        workers.close()
