"""The commands that build: the template, fixtures, notebooks, diagrams, examples, and the otter
and Gradescope packages."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.authoring.template import stale_files, write
from autograder.catalog import EXERCISE_DOCS
from autograder.cli.checks import UsageError, output_file, output_folder, write_or_stop
from autograder.engine.intake import SubmissionError


def template(args: argparse.Namespace) -> int:
    output_folder(args.dest, "--dest")
    if args.check:
        stale = stale_files(args.dest)
        if stale:
            shown = ", ".join(stale[:5]) + (" ..." if len(stale) > 5 else "")
            print(f"student template is stale ({len(stale)} files: {shown}); "
                  "run `make template`", file=sys.stderr)
            return 1
        print(f"{args.dest} is up to date")
        return 0
    pins = {}
    for pin in args.pin_action or ():
        action, _, sha = pin.partition("=")
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", action) or not re.fullmatch(r"[0-9a-f]{40}", sha):
            raise UsageError(f"--pin-action takes OWNER/ACTION=SHA (40 hex digits), got {pin!r}")
        pins[action] = sha
    count = write(args.dest, pins)
    print(f"wrote {count} files to {args.dest}")
    return 0


def fixtures(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a number >= 0, got {args.seed}")
    if args.public and args.seed is None:
        raise UsageError("--public only makes sense with --seed (without it both suites are rebuilt)")
    output_folder(args.dest, "--dest")
    suites = ("public", "hidden") if args.seed is None or args.public else ("hidden",)
    try:
        from autograder.references import fixtures
        fixtures.generate(root=args.dest, suites=suites, seed=args.seed)
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is needed to compute references: "
                         "pip install -e '.[tf]' (or run `make fixtures`)") from None
    if args.dest == fixtures.DATA and "public" in suites:
        print("now run `make template` to copy the public fixtures into the template")
    return 0


def gradescope(args: argparse.Namespace) -> int:
    from autograder.integrations import gradescope

    output_file(args.out, "--out", make_folders=True)
    built = gradescope.build(args.out, args.visibility, args.stdout_visibility)
    print(f"wrote {built}: upload it as a Gradescope autograder")
    return 0


def otter(args: argparse.Namespace) -> int:
    import importlib.util

    from autograder.integrations import otter

    output_folder(args.dest, "--dest")
    if importlib.util.find_spec("otter") is None:
        raise UsageError("otter-grader is not installed: pip install -e '.[otter]'")
    try:
        archive = otter.build(args.dest, check=not args.no_check)
    except RuntimeError as error:
        raise UsageError(str(error).splitlines()[0]) from None
    print(f"wrote {args.dest / 'student'} (give it to students) and {archive}")
    return 0


def otter_grade(args: argparse.Namespace) -> int:
    import importlib.util

    from autograder.engine import report
    from autograder.integrations import otter

    if importlib.util.find_spec("otter") is None:
        raise UsageError("otter-grader is not installed: pip install -e '.[otter]'")
    if not args.path.exists():
        raise UsageError(f"submission {args.path} does not exist")
    output_file(args.results, "--results")
    try:
        otter.check_archive(args.autograder)
    except ValueError as error:
        raise UsageError(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="rnnlab-otter-submission-") as work:
        try:
            submission = otter.otter_submission(args.path, Path(work) / "submission.zip")
            results = otter.run(args.autograder, submission, timeout=args.timeout)
        except SubmissionError as error:
            raise UsageError(str(error)) from None
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            last = [line for line in str(error).splitlines() if line.strip()][-1:] or ["no output"]
            raise UsageError(f"otter run failed: {last[0].strip()}") from None
    points = sum(test.get("max_score", 0) for test in results.get("tests", []))
    print(f"otter run: {results.get('score', 0):g}/{points:g} points")
    if args.results:
        text = json.dumps(results, indent=1)
        write_or_stop(args.results, lambda: report.write_atomically(args.results, text))
        print(f"results written to {args.results}")
    return 0


def _written(paths: list[Path], dest: Path, default: Path) -> int:
    for path in paths:
        print(path)
    if dest == default:
        print("now run `make template` to copy them into the student template")
    return 0


def notebooks(args: argparse.Namespace) -> int:
    from autograder.authoring import notebooks

    output_folder(args.dest, "--dest")
    return _written(notebooks.write_all(args.dest), args.dest, EXERCISE_DOCS)


def diagrams(args: argparse.Namespace) -> int:
    from autograder.authoring import diagrams

    output_folder(args.dest, "--dest")
    return _written(diagrams.write_all(args.dest), args.dest, EXERCISE_DOCS)


def examples(args: argparse.Namespace) -> int:
    output_folder(args.dest, "--dest")
    try:
        from autograder.references import examples
        paths = examples.generate(args.dest)
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is needed to compute the examples: "
                         "pip install -e '.[tf]' (or run `make examples`)") from None
    return _written(paths, args.dest, EXERCISE_DOCS)
