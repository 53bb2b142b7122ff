"""The command line: ``python -m autograder COMMAND``.

Every command reports bad input in one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from autograder.authoring import template
from autograder.engine.intake import SubmissionError, printable
from autograder.engine.outcome import IsolationError, Limits, ServerError


class UsageError(Exception):
    """Bad input from the person at the terminal: shown in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _template(args: argparse.Namespace) -> int:
    output_folder(args.dest, "--dest")
    if args.check:
        stale = template.stale_files(args.dest)
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
    count = template.write(args.dest, pins)
    print(f"wrote {count} files to {args.dest}")
    return 0


def _fixtures(args: argparse.Namespace) -> int:
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


def _existing_ancestor(path: Path) -> Path:
    for ancestor in path.absolute().parents:
        if ancestor.exists():
            return ancestor
    return Path("/")


def output_file(path: Path | None, option: str, make_folders: bool = False) -> None:
    """Check, before any work, that ``path`` can be written as a file (nothing is created)."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder: give the name of a file")
    if path.exists() and not path.is_file():
        raise UsageError(f"{option} {path} is not a regular file")
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise UsageError(f"{option} {path}: {ancestor} is a file, not a folder")
    if ancestor != path.absolute().parent and not make_folders:
        raise UsageError(f"{option} {path}: the folder {path.parent} does not exist")
    try:  # files are written atomically beside their final name: try that, leaving nothing
        tempfile.TemporaryFile(dir=ancestor).close()
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot write in {ancestor} ({error.strerror})") from None


def output_folder(path: Path, option: str) -> None:
    """Check, before any work, that ``path`` is or can become a folder (nothing is created)."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path} is a file: give the name of a folder")
    ancestor = path if path.exists() else _existing_ancestor(path)
    if not ancestor.is_dir():
        raise UsageError(f"{option} {path}: {ancestor} is a file, not a folder")


def _needs_tensorflow(what: str) -> None:
    """Import TensorFlow now (``what`` uses it anyway), or stop in one line."""
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        raise UsageError(f"{what} needs TensorFlow, which is not installed: pip install -e '.[tf]'") from None


def _write(path: Path, write: Callable[[], object]) -> None:
    try:
        write()
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _grade(args: argparse.Namespace) -> int:
    from autograder.engine import report
    from autograder.engine.grading import grade_one

    if not args.path.exists():
        raise UsageError(f"submission {args.path} does not exist")
    output_file(args.results, "--results")
    output_file(args.summary, "--summary")
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise UsageError(f"--fail-under must be between 0 and 100 (the most points), got {args.fail_under:g}")
    _limits(args)
    if args.live:
        _needs_tensorflow("--live")
    submission = args.path
    try:
        result = grade_one(submission, live=args.live, limits=_limits(args),
                           require_isolation=args.require_isolation)
    except (SubmissionError, IsolationError) as error:
        raise UsageError(str(error)) from None
    except (OSError, ServerError) as error:  # the grader's own machinery, not the submission
        problem = f"grader error: {error}"
        if args.results:
            failed = json.dumps({"score": 0, "output": problem, "tests": []})
            _write(args.results, lambda: report.write_atomically(args.results, failed))
        raise UsageError(problem) from None
    print(report.feedback(result) if args.verbose else report.table(result))
    _warn_isolation(result.isolation)
    if args.results:
        _write(args.results, lambda: report.write_results(result, args.results))
        print(f"results written to {args.results}")
    if args.summary:
        _write(args.summary, lambda: _append(args.summary, report.markdown(result)))
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
    _write(args.out, lambda: report.write_atomically(args.out, gradebook(rows + strays, roster=True)))
    for name in args.export or ():
        path = args.out.with_name(f"{args.out.stem}-{name}.csv")
        _write(path, lambda: report.write_atomically(path, roster.EXPORTERS[name](rows)))  # noqa: B023
        print(f"{name} gradebook: {path}")
    missing = sum(row["error"] == roster.NOT_SUBMITTED for row in rows)
    if missing or strays:
        print(f"warning: {missing} rostered students submitted nothing; {len(strays)} submissions match "
              f"no student in the roster: {', '.join(r['submission'] for r in strays[:5]) or 'none'}",
              file=sys.stderr)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(text)


def _batch(args: argparse.Namespace) -> int:
    from autograder.engine.batch import Interrupted, run_batch, submission_entries

    directory = _folder(args.directory, "directory")
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    output_file(args.out, "--out")
    output_folder(args.feedback or args.out.with_name(f"{args.out.stem}-feedback"), "--feedback")
    _limits(args)
    if args.live:
        _needs_tensorflow("--live")
    if not submission_entries(directory):
        raise UsageError(f"no submissions in {directory}: expected one folder or .zip per student")
    students = _roster(args)
    try:
        records = run_batch(directory, args.out, jobs=args.jobs, feedback_dir=args.feedback,
                            live=args.live, limits=_limits(args), require_isolation=args.require_isolation,
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


def _isolation(args: argparse.Namespace) -> int:
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


def _demo(args: argparse.Namespace) -> int:
    from autograder import demo

    return demo.main()


def _bench(args: argparse.Namespace) -> int:
    from autograder import bench

    if min(args.runs, args.submissions, args.jobs) < 1:
        raise UsageError("--runs, --submissions and --jobs must be at least 1")
    return bench.main(args.runs, args.submissions, args.jobs)


def _gradescope(args: argparse.Namespace) -> int:
    from autograder.integrations import gradescope

    output_file(args.out, "--out", make_folders=True)
    built = gradescope.build(args.out, args.visibility, args.stdout_visibility)
    print(f"wrote {built}: upload it as a Gradescope autograder")
    return 0


def _otter(args: argparse.Namespace) -> int:
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


def _otter_grade(args: argparse.Namespace) -> int:
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
        _write(args.results, lambda: report.write_atomically(args.results, json.dumps(results, indent=1)))
        print(f"results written to {args.results}")
    return 0


def _written(paths: list[Path], dest: Path, default: Path) -> int:
    for path in paths:
        print(path)
    if dest == default:
        print("now run `make template` to copy them into the student template")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from autograder.authoring import notebooks

    output_folder(args.dest, "--dest")
    return _written(notebooks.write_all(args.dest), args.dest, template.EXERCISE_DOCS)


def _diagrams(args: argparse.Namespace) -> int:
    from autograder.authoring import diagrams

    output_folder(args.dest, "--dest")
    return _written(diagrams.write_all(args.dest), args.dest, template.EXERCISE_DOCS)


def _examples(args: argparse.Namespace) -> int:
    output_folder(args.dest, "--dest")
    try:
        from autograder.references import examples
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
    from autograder.engine.report import VISIBILITIES

    parser = _Parser(prog="python -m autograder", description=__doc__)
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
    command.add_argument("--roster", type=Path,
                         help="CSV with id, name (email, folder, github): a row for every student")
    command.add_argument("--export", action="append", choices=("canvas", "gradescope"),
                         help="also write OUT-canvas.csv / OUT-gradescope.csv (needs --roster)")
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
    command.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                         help="when students see the hidden cases' results (public ones: always)")
    command.add_argument("--stdout-visibility", choices=VISIBILITIES, default="visible",
                         help="when students see what the grader printed")
    command.set_defaults(run=_gradescope)

    command = commands.add_parser("otter", help="build the otter-grader notebook and autograder zip")
    command.add_argument("--dest", type=Path, default=Path("dist/otter"))
    command.add_argument("--no-check", action="store_true",
                         help="skip grading the reference solutions with the new zip")
    command.set_defaults(run=_otter)

    command = commands.add_parser("otter-grade", help="grade one submission of any shape with otter run")
    command.add_argument("path", type=Path)
    command.add_argument("--autograder", type=Path, default=Path("dist/otter/autograder.zip"),
                         help="the zip that `otter` built")
    command.add_argument("--results", type=Path, help="write otter's results.json here")
    command.add_argument("--timeout", type=float, default=600, help="seconds for the whole otter run")
    command.set_defaults(run=_otter_grade)

    command = commands.add_parser("notebooks", help="rebuild the exercise notebooks")
    command.add_argument("--dest", type=Path, default=template.EXERCISE_DOCS)
    command.set_defaults(run=_notebooks)

    command = commands.add_parser("diagrams", help="redraw the statements' diagrams (SVG)")
    command.add_argument("--dest", type=Path, default=template.EXERCISE_DOCS)
    command.set_defaults(run=_diagrams)

    command = commands.add_parser("examples", help="recompute the notebooks' Keras results")
    command.add_argument("--dest", type=Path, default=template.EXERCISE_DOCS)
    command.set_defaults(run=_examples)

    command = commands.add_parser("template", help="generate student_template/ from solutions/")
    command.add_argument("--dest", type=Path, default=template.TEMPLATE)
    command.add_argument("--check", action="store_true",
                         help="only check that the committed template is fresh")
    command.add_argument("--pin-action", action="append", metavar="OWNER/ACTION=SHA",
                         help="pin an action of the workflow to a commit (e.g. actions/checkout=<sha>)")
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
    """Parse ``argv`` and run the command; returns the exit status (never a traceback:
    set ``RNNLAB_TRACEBACK=1`` to see one for an unexpected failure)."""
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except UsageError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("RNNLAB_TRACEBACK"):
            raise
        print(f"error: unexpected failure: {error!r:.300} (RNNLAB_TRACEBACK=1 shows where)", file=sys.stderr)
        return 1
