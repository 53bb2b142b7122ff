"""The grader as the otter and Gradescope zips ship it: its modules and its fixtures."""

from __future__ import annotations

from pathlib import Path

from autograder import casefile

PACKAGE = Path(__file__).resolve().parent.parent


def grader_files(left_out: tuple[str, ...] = ()) -> list[tuple[Path, str]]:
    """``(path, name in the zip)`` of every module and fixture of the package, under
    ``autograder/``, but those at or below the package-relative paths ``left_out``."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob(f"*{casefile.SUFFIX}"))
    shipped = []
    for path in files:
        relative = path.relative_to(PACKAGE)
        if "__pycache__" in relative.parts or any(
                relative == Path(skip) or Path(skip) in relative.parents for skip in left_out):
            continue
        shipped.append((path, f"autograder/{relative.as_posix()}"))
    return shipped
