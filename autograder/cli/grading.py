"""The grading commands: ``grade`` (one submission), ``batch`` (a folder of them), ``isolation``,
``demo`` (the bundled samples) and ``bench`` (its speed)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from autograder.cli.checks import (
    UsageError,
    existing_folder,
    limits,
    needs_tensorflow,
    output_file,
    output_folder,
    write_or_stop,
)
from autograder.engine.intake import SubmissionError
from autograder.engine.outcome import IsolationError, ServerError


def grade(args: argparse.Namespace) -> int:
    from autograder.engine import report
    from autograder.engine.grading import grade_one

    if not args.path.exists():
        raise UsageError(f"submission {args.path} does not exist")
    output_file(args.results, "--results")
    output_file(args.summary, "--summary")
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise UsageError(f"--fail-under must be between 0 and 100 (the most points), got {args.fail_under:g}")
    limits(args)
    if args.live:
        needs_tensorflow("--live")
    submission = args.path
    try:
        result = grade_one(submission, live=args.live, limits=limits(args),
                           require_isolation=args.require_isolation)
    except (SubmissionError, IsolationError) as error:
        raise UsageError(str(error)) from None
    except (OSError, ServerError) as error:  # the grader's own machinery, not the submission
        problem = f"grader error: {error}"
        if args.results:
            failed = json.dumps({"score": 0, "output": problem, "tests": []})
            write_or_stop(args.results, lambda: report.write_atomically(args.results, failed))
        raise UsageError(problem) from None
    print(report.feedback(result) if args.verbose else report.table(result))
    _warn_isolation(result.isolation)
    if args.results:
        write_or_stop(args.results, lambda: report.write_results(result, args.results))
        print(f"results written to {args.results}")
    if args.summary:
        write_or_stop(args.summary, lambda: append(args.summary, report.markdown(result)))
    if args.fail_under is not None and result.score < args.fail_under:
        print(f"score {result.score:g} is under {args.fail_under:g}", file=sys.stderr)
        return 1
    return 0


def _roster(args: argparse.Namespace) -> list | None:
    """The roster's students (checked before any grading), or None without ``--roster``."""
    from autograder.engine import roster

    if args.export and not args.roster:
        raise UsageError("--export needs --roster (the exports are keyed by student id)")
    for name in args.export or ():
        output_file(args.out.with_name(f"{args.out.stem}-{name}.csv"), "--export")
    if not args.roster:
        return None
    try:
        return roster.read_roster(args.roster)
    except roster.RosterError as error:
        raise UsageError(str(error)) from None


def _rostered_gradebooks(args: argparse.Namespace, students: list | None, records: list[dict]) -> None:
    """With a roster: the gradebook in the roster's order, strays flagged, and the exports."""
    from autograder.engine import report, roster
    from autograder.engine.batch import gradebook

    if students is None:
        return
    rows, strays = roster.rostered(students, records)
    write_or_stop(args.out, lambda: report.write_atomically(args.out, gradebook(rows + strays, roster=True)))
    for name in args.export or ():
        path = args.out.with_name(f"{args.out.stem}-{name}.csv")
        write_or_stop(path, lambda: report.write_atomically(path, roster.EXPORTERS[name](rows)))  # noqa: B023
        print(f"{name} gradebook: {path}")
    missing = sum(row["error"] == roster.NOT_SUBMITTED for row in rows)
    if missing or strays:
        print(f"warning: {missing} rostered students submitted nothing; {len(strays)} submissions match "
              f"no student in the roster: {', '.join(r['submission'] for r in strays[:5]) or 'none'}",
              file=sys.stderr)


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(text)


def batch(args: argparse.Namespace) -> int:
    from autograder.engine.batch import Interrupted, run_batch, submission_entries

    directory = existing_folder(args.directory, "directory")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    output_file(args.out, "--out")
    output_folder(args.feedback or args.out.with_name(f"{args.out.stem}-feedback"), "--feedback")
    limits(args)
    if args.live:
        needs_tensorflow("--live")
    if not submission_entries(directory):
        raise UsageError(f"no submissions in {directory}: expected one folder or .zip per student")
    students = _roster(args)
    try:
        records = run_batch(directory, args.out, jobs=args.jobs, feedback_dir=args.feedback,
                            live=args.live, limits=limits(args), require_isolation=args.require_isolation,
                            regrade=args.regrade)
    except IsolationError as error:
        raise UsageError(f"{error} (grades finished so far are kept in {args.out})") from None
    except Interrupted as stopped:
        _rostered_gradebooks(args, students, stopped.records)
        print(f"interrupted: {len(stopped.records)} submissions graded are in {args.out}; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    _rostered_gradebooks(args, students, records)
    errors = sum(1 for record in records if record["error"])
    graded = [set(record.get("isolation", "").split()) for record in records if not record["error"]]
    if graded:
        _warn_isolation(sorted(set.intersection(*graded)))
    print(f"{len(records)} submissions graded ({errors} could not be graded); "
          f"gradebook: {args.out}")
    return 0


def _warn_isolation(layers: list[str]) -> None:
    from autograder.casefile import kernel_layers

    if not kernel_layers(layers):
        print("warning: student code ran without kernel isolation (Landlock and seccomp); "
              "see `python -m autograder isolation`", file=sys.stderr)


def isolation(args: argparse.Namespace) -> int:
    from autograder.casefile import kernel_layers
    from autograder.engine.runner import Workers
    from autograder.sandbox import kernel

    with Workers() as workers:
        probe = workers.probe()
    layers = probe["layers"]
    abi = kernel.landlock_abi()
    print(f"kernel: {' '.join(os.uname()[2:3])}; Landlock ABI {abi or 'none'}; "
          f"libseccomp {kernel.seccomp_version() or 'not found'}")
    print(f"layers active in a grading child ({probe['ms']:.1f} ms to apply): {' '.join(layers) or 'none'}")
    for name, result in probe["checks"].items():
        print(f"  {name}: {result}")
    allowed = [name for name, result in probe["checks"].items() if result != "refused"]
    if not kernel_layers(layers) or allowed:
        missing = [name for name in ("landlock", "seccomp") if not any(x.startswith(name) for x in layers)]
        print(f"kernel isolation is incomplete here (missing: {', '.join(missing) or 'none'}; "
              f"allowed: {', '.join(allowed) or 'nothing'}): only the audit hook stands in for it",
              file=sys.stderr)
        return 1
    print("kernel isolation is active")
    return 0


def demo(args: argparse.Namespace) -> int:
    from autograder import demo

    return demo.main()


def bench(args: argparse.Namespace) -> int:
    from autograder import bench

    if min(args.runs, args.submissions, args.jobs) < 1:
        raise UsageError("--runs, --submissions and --jobs must be at least 1")
    return bench.main(args.runs, args.submissions, args.jobs)
