"""The command line: ``python -m autograder COMMAND``.

Every command reports bad input in one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from autograder import template


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
    try:
        from autograder import references
        references.generate(root=args.dest, seed=args.seed)
    except ModuleNotFoundError as error:
        raise UsageError(f"{error.name} is needed to compute references: "
                         "pip install -e '.[tf]' (or run `make fixtures`)") from None
    if args.dest == references.DATA:
        print("now run `make template` to copy the public fixtures into the template")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser("template", help="generate student_template/ from solutions/")
    command.add_argument("--dest", type=Path, default=template.TEMPLATE)
    command.add_argument("--check", action="store_true",
                         help="only check that the committed template is fresh")
    command.set_defaults(run=_template)

    command = commands.add_parser("fixtures", help="recompute references with TensorFlow")
    command.add_argument("--dest", type=Path, default=template.DATA)
    command.add_argument("--seed", type=int, default=None,
                         help="draw other inputs (instructors: keep your hidden cases private)")
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
