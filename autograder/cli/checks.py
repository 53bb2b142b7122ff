"""What every command checks before any work: bad input stops in one line (``UsageError``)."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from autograder.engine.outcome import Limits


class UsageError(Exception):
    """Bad input from the person at the terminal: shown in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, whose errors are one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def limits(args: argparse.Namespace) -> Limits:
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {args.timeout}")
    return Limits(case_seconds=args.timeout)


def existing_folder(path: Path, what: str) -> Path:
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


def needs_tensorflow(what: str) -> None:
    """Import the oracle, and so TensorFlow, now (``what`` uses it anyway), or stop in one line."""
    try:
        from autograder.references import oracle  # noqa: F401
    except ImportError:
        raise UsageError(f"{what} needs TensorFlow, which is not installed: pip install -e '.[tf]'") from None


def write_or_stop(path: Path, write: Callable[[], object]) -> None:
    try:
        write()
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
