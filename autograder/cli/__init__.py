"""The command line: ``python -m autograder COMMAND``.

Every command reports bad input in one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from autograder.catalog import EXERCISE_DOCS, TEMPLATE
from autograder.cli import building, grading
from autograder.cli.checks import Parser, UsageError
from autograder.engine.intake import printable
from autograder.engine.outcome import Limits
from autograder.references.fixtures import DATA


def _grading_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--timeout", type=float, default=Limits.case_seconds,
                         help="seconds allowed per case (default %(default)s)")
    command.add_argument("--live", action="store_true",
                         help="recompute references with TensorFlow on this machine first")
    command.add_argument("--require-isolation", action="store_true",
                         help="refuse to grade where Landlock or seccomp is missing")


def build_parser() -> argparse.ArgumentParser:
    from autograder.engine.report import VISIBILITIES

    parser = Parser(prog="python -m autograder", description=__doc__)
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
    command.set_defaults(run=grading.grade)

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
    command.set_defaults(run=grading.batch)

    command = commands.add_parser("isolation", help="show which isolation layers this machine offers")
    command.set_defaults(run=grading.isolation)

    command = commands.add_parser("demo", help="grade the bundled sample submissions")
    command.set_defaults(run=grading.demo)

    command = commands.add_parser("bench", help="measure grading speed")
    command.add_argument("--runs", type=int, default=10)
    command.add_argument("--submissions", type=int, default=50)
    command.add_argument("--jobs", type=int, default=2)
    command.set_defaults(run=grading.bench)

    command = commands.add_parser("gradescope", help="build a Gradescope autograder zip")
    command.add_argument("--out", type=Path, default=Path("dist/gradescope.zip"))
    command.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                         help="when students see the hidden cases' results (public ones: always)")
    command.add_argument("--stdout-visibility", choices=VISIBILITIES, default="visible",
                         help="when students see what the grader printed")
    command.set_defaults(run=building.gradescope)

    command = commands.add_parser("otter", help="build the otter-grader notebook and autograder zip")
    command.add_argument("--dest", type=Path, default=Path("dist/otter"))
    command.add_argument("--no-check", action="store_true",
                         help="skip grading the reference solutions with the new zip")
    command.set_defaults(run=building.otter)

    command = commands.add_parser("otter-grade", help="grade one submission of any shape with otter run")
    command.add_argument("path", type=Path)
    command.add_argument("--autograder", type=Path, default=Path("dist/otter/autograder.zip"),
                         help="the zip that `otter` built")
    command.add_argument("--results", type=Path, help="write otter's results.json here")
    command.add_argument("--timeout", type=float, default=600, help="seconds for the whole otter run")
    command.set_defaults(run=building.otter_grade)

    for name, run, words in (("notebooks", building.notebooks, "rebuild the exercise notebooks"),
                             ("diagrams", building.diagrams, "redraw the statements' diagrams (SVG)"),
                             ("examples", building.examples, "recompute the notebooks' Keras results")):
        command = commands.add_parser(name, help=words)
        command.add_argument("--dest", type=Path, default=EXERCISE_DOCS)
        command.set_defaults(run=run)

    command = commands.add_parser("template", help="generate student_template/ from solutions/")
    command.add_argument("--dest", type=Path, default=TEMPLATE)
    command.add_argument("--check", action="store_true",
                         help="only check that the committed template is fresh")
    command.add_argument("--pin-action", action="append", metavar="OWNER/ACTION=SHA",
                         help="pin an action of the workflow to a commit (e.g. actions/checkout=<sha>)")
    command.set_defaults(run=building.template)

    command = commands.add_parser("fixtures", help="recompute references with TensorFlow")
    command.add_argument("--dest", type=Path, default=DATA)
    command.add_argument("--seed", type=int, default=None,
                         help="draw the hidden suite from your own seed (keep it private); "
                              "the public fixtures stay as they are")
    command.add_argument("--public", action="store_true",
                         help="with --seed: redraw the public suite too (from a seed derived apart)")
    command.set_defaults(run=building.fixtures)
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
