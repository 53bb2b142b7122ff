"""The command line: ``python -m autograder COMMAND``.

Every command reports bad input in one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from autograder import template
from autograder.intake import SubmissionError
from autograder.runner import IsolationError, Limits, ServerError


class UsageError(Exception):
    """Bad input from the person at the terminal: shown in one line, exit status 2."""


def _template(args: argparse.Namespace) -> int:
    if args.check:
        stale = template.stale_files(args.dest)
        if stale:
            shown = ", ".join(stale[:5]) + (" ..." if len(stale) > 5 else "")
            print(f"student template is stale ({len(stale)} files: {shown}); "
                  "run `make template`", file=sys.stderr)
            return 1
        print(f"{args.dest} is up to date")
        return 0
    count = template.write(args.dest)
    print(f"wrote {count} files to {args.dest}")
    return 0


def _fixtures(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be a number >= 0, got {args.seed}")
    if args.public and args.seed is None:
        raise UsageError("--public only makes sense with --seed (without it both suites are rebuilt)")
    if args.dest.exists() and not args.dest.is_dir():
        raise UsageError(f"--dest {args.dest} is not a folder")
    suites = ("public", "hidden") if args.seed is None or args.public else ("hidden",)
    try:
        from autograder import references
        references.generate(root=args.dest, suites=suites, seed=args.seed)
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is needed to compute references: "
                         "pip install -e '.[tf]' (or run `make fixtures`)") from None
    if args.dest == references.DATA and "public" in suites:
        print("now run `make template` to copy the public fixtures into the template")
    return 0


def _limits(args: argparse.Namespace) -> Limits:
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {args.timeout}")
    return Limits(case_seconds=args.timeout)


def _folder(path: Path, what: str) -> Path:
    if not path.exists():
        raise UsageError(f"{what} {path} does not exist")
    if not path.is_dir():
        raise UsageError(f"{what} {path} is not a folder")
    return path


def _grade(args: argparse.Namespace) -> int:
    from autograder import report
    from autograder.grading import grade_one

    submission = _folder(args.path, "submission")
    try:
        result = grade_one(submission, live=args.live, limits=_limits(args),
                           require_isolation=args.require_isolation)
    except (SubmissionError, IsolationError) as error:
        raise UsageError(str(error)) from None
    except (OSError, ServerError) as error:  # the grader's own machinery, not the submission
        if args.results:
            report.write_atomically(args.results, json.dumps(
                {"score": 0, "output": f"grader error: {error}", "tests": []}))
        raise UsageError(f"grader error: {error}") from None
    print(report.feedback(result) if args.verbose else report.table(result))
    _warn_isolation(result.isolation)
    if args.results:
        report.write_results(result, args.results)
        print(f"results written to {args.results}")
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(report.markdown(result))
    if args.fail_under is not None and result.score < args.fail_under:
        print(f"score {result.score:g} is under {args.fail_under:g}", file=sys.stderr)
        return 1
    return 0


def _batch(args: argparse.Namespace) -> int:
    from autograder.batch import Interrupted, run_batch

    directory = _folder(args.directory, "directory")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    try:
        records = run_batch(directory, args.out, jobs=args.jobs, feedback_dir=args.feedback,
                            live=args.live, limits=_limits(args), require_isolation=args.require_isolation,
                            regrade=args.regrade)
    except IsolationError as error:
        raise UsageError(f"{error} (grades finished so far are kept in {args.out})") from None
    except Interrupted as stopped:
        print(f"interrupted: {len(stopped.records)} submissions graded are in {args.out}; "
              "run the same command again to grade the rest", file=sys.stderr)
        return 130
    errors = sum(1 for record in records if record["error"])
    graded = [set(record.get("isolation", "").split()) for record in records if not record["error"]]
    if graded:
        _warn_isolation(sorted(set.intersection(*graded)))
    print(f"{len(records)} submissions graded ({errors} could not be graded); "
          f"gradebook: {args.out}")
    return 0


def _warn_isolation(layers: list[str]) -> None:
    from autograder.kernel import kernel_layers

    if not kernel_layers(layers):
        print("warning: student code ran without kernel isolation (Landlock and seccomp); "
              "see `python -m autograder isolation`", file=sys.stderr)


def _isolation(args: argparse.Namespace) -> int:
    from autograder import kernel
    from autograder.runner import Workers

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
    if not kernel.kernel_layers(layers) or allowed:
        missing = [name for name in ("landlock", "seccomp") if not any(x.startswith(name) for x in layers)]
        print(f"kernel isolation is incomplete here (missing: {', '.join(missing) or 'none'}; "
              f"allowed: {', '.join(allowed) or 'nothing'}): only the audit hook stands in for it",
              file=sys.stderr)
        return 1
    print("kernel isolation is active")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from autograder import demo

    return demo.main()


def _bench(args: argparse.Namespace) -> int:
    from autograder import bench

    if min(args.runs, args.submissions, args.jobs) < 1:
        raise UsageError("--runs, --submissions and --jobs must be at least 1")
    return bench.main(args.runs, args.submissions, args.jobs)


def _gradescope(args: argparse.Namespace) -> int:
    from autograder import gradescope

    print(f"wrote {gradescope.build(args.out)}: upload it as a Gradescope autograder")
    return 0


def _otter(args: argparse.Namespace) -> int:
    import importlib.util

    from autograder import otter

    if importlib.util.find_spec("otter") is None:
        raise UsageError("otter-grader is not installed: pip install -e '.[otter]'")
    try:
        archive = otter.build(args.dest, check=not args.no_check)
    except RuntimeError as error:
        raise UsageError(str(error).splitlines()[0]) from None
    print(f"wrote {args.dest / 'student'} (give it to students) and {archive}")
    return 0


def _written(paths: list[Path], dest: Path, default: Path) -> int:
    for path in paths:
        print(path)
    if dest == default:
        print("now run `make template` to copy them into the student template")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from autograder import notebooks

    return _written(notebooks.write_all(args.dest), args.dest, template.EXERCISE_DOCS)


def _examples(args: argparse.Namespace) -> int:
    try:
        from autograder import examples
        paths = examples.generate(args.dest)
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is needed to compute the examples: "
                         "pip install -e '.[tf]' (or run `make examples`)") from None
    return _written(paths, args.dest, template.EXERCISE_DOCS)


def _grading_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--timeout", type=float, default=Limits.case_seconds,
                         help="seconds allowed per case (default %(default)s)")
    command.add_argument("--live", action="store_true",
                         help="recompute references with TensorFlow on this machine first")
    command.add_argument("--require-isolation", action="store_true",
                         help="refuse to grade where Landlock or seccomp is missing")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser("grade", help="grade one submission (a folder with rnnlab/)")
    command.add_argument("path", type=Path)
    command.add_argument("--results", type=Path, help="write Gradescope's results.json here")
    command.add_argument("--fail-under", type=float, metavar="SCORE",
                         help="exit with status 1 when the score is under SCORE (for CI)")
    command.add_argument("--summary", type=Path,
                         help="append a Markdown table to this file (e.g. $GITHUB_STEP_SUMMARY)")
    command.add_argument("-v", "--verbose", action="store_true", help="list every case")
    _grading_options(command)
    command.set_defaults(run=_grade)

    command = commands.add_parser("batch", help="grade every submission folder in a directory")
    command.add_argument("directory", type=Path)
    command.add_argument("--out", type=Path, required=True, help="the CSV gradebook to write")
    command.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    command.add_argument("--feedback", type=Path,
                         help="per-student feedback folder (default: OUT-feedback beside OUT)")
    command.add_argument("--regrade", action="store_true",
                         help="grade every submission again, even those with a current stored grade")
    _grading_options(command)
    command.set_defaults(run=_batch)

    command = commands.add_parser("isolation", help="show which isolation layers this machine offers")
    command.set_defaults(run=_isolation)

    command = commands.add_parser("demo", help="grade the bundled sample submissions")
    command.set_defaults(run=_demo)

    command = commands.add_parser("bench", help="measure grading speed")
    command.add_argument("--runs", type=int, default=10)
    command.add_argument("--submissions", type=int, default=50)
    command.add_argument("--jobs", type=int, default=2)
    command.set_defaults(run=_bench)

    command = commands.add_parser("gradescope", help="build a Gradescope autograder zip")
    command.add_argument("--out", type=Path, default=Path("dist/gradescope.zip"))
    command.set_defaults(run=_gradescope)

    command = commands.add_parser("otter", help="build the otter-grader notebook and autograder zip")
    command.add_argument("--dest", type=Path, default=Path("dist/otter"))
    command.add_argument("--no-check", action="store_true",
                         help="skip grading the reference solutions with the new zip")
    command.set_defaults(run=_otter)

    command = commands.add_parser("notebooks", help="rebuild the exercise notebooks")
    command.add_argument("--dest", type=Path, default=template.EXERCISE_DOCS)
    command.set_defaults(run=_notebooks)

    command = commands.add_parser("examples", help="recompute the notebooks' Keras results")
    command.add_argument("--dest", type=Path, default=template.EXERCISE_DOCS)
    command.set_defaults(run=_examples)

    command = commands.add_parser("template", help="generate student_template/ from solutions/")
    command.add_argument("--dest", type=Path, default=template.TEMPLATE)
    command.add_argument("--check", action="store_true",
                         help="only check that the committed template is fresh")
    command.set_defaults(run=_template)

    command = commands.add_parser("fixtures", help="recompute references with TensorFlow")
    command.add_argument("--dest", type=Path, default=template.DATA)
    command.add_argument("--seed", type=int, default=None,
                         help="draw the hidden suite from your own seed (keep it private); "
                              "the public fixtures stay as they are")
    command.add_argument("--public", action="store_true",
                         help="with --seed: redraw the public suite too (from a seed derived apart)")
    command.set_defaults(run=_fixtures)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit status."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
