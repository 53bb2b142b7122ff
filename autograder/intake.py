"""What the trusted side takes from a submission folder: the Python files of ``rnnlab/``.

The folder belongs to a student, so it is read defensively: links are refused (a
``rnnlab`` that points at the solutions or a classmate's folder is not the student's
code), the walk is iterative and bounded (depth, entries, bytes), sizes come from
``lstat`` before anything is read, only regular files are opened (never a FIFO), and
names that cannot be Python modules (non-UTF-8 bytes included) are left out. What it
returns is read once and used for the copy that is graded and for the batch's resume key.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024  # all the code of one submission
MAX_ENTRIES = 10_000  # folder entries looked at
MAX_DEPTH = 8  # package levels below rnnlab/


class SubmissionError(Exception):
    """The submission folder cannot be graded at all (no ``rnnlab/``, a link, too large...)."""


def printable(name: str) -> str:
    """A file name as text that can always be printed (undecodable bytes become U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _module_name(name: str) -> bool:
    stem = name[:-3] if name.endswith(".py") else name
    return stem.isidentifier() and stem.isascii()


def _read_regular(path: str, size: int) -> bytes:
    """The bytes of a regular file that ``lstat`` said holds ``size`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        content = os.read(fd, size + 1)
    finally:
        os.close(fd)
    if len(content) > size:
        raise OSError(0, "it changed while it was read")
    return content


def package_files(source: Path) -> dict[str, bytes]:
    """``{"rnnlab/lstm.py": b"..."}`` for every module of ``source/rnnlab``.

    Raises :class:`SubmissionError` when there is no such folder, when it or anything in it
    is a symbolic link, or when it holds more than ``MAX_BYTES`` of code or ``MAX_ENTRIES``
    entries. ``__pycache__``, hidden folders and non-module names are skipped.
    """
    shown = printable(str(source))
    try:
        if not stat.S_ISDIR(os.stat(source).st_mode):
            raise SubmissionError(f"{shown} is not a folder")
        mode = os.lstat(source / "rnnlab").st_mode
    except FileNotFoundError:
        raise SubmissionError(f"{shown} has no rnnlab/ folder (the package to grade)") from None
    except OSError as error:
        raise SubmissionError(f"cannot read {shown}: {error.strerror}") from None
    if stat.S_ISLNK(mode):
        raise SubmissionError(f"{shown}/rnnlab is a symbolic link: only a real folder is graded")
    if not stat.S_ISDIR(mode):
        raise SubmissionError(f"{shown}/rnnlab is not a folder")
    files: dict[str, bytes] = {}
    total = entries = 0
    todo = [("rnnlab", 0)]
    while todo:
        folder, depth = todo.pop()
        found = []
        try:
            with os.scandir(source / folder) as listing:
                for entry in listing:
                    entries += 1
                    if entries > MAX_ENTRIES:
                        raise SubmissionError(f"{shown}/rnnlab holds more than {MAX_ENTRIES} entries")
                    found.append(entry)
        except OSError as error:
            raise SubmissionError(f"cannot read {printable(folder)}/: {error.strerror}") from None
        for entry in sorted(found, key=lambda entry: entry.name):
            relative = f"{folder}/{entry.name}"
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                raise SubmissionError(f"{printable(relative)} is a symbolic link: links are not graded")
            if not _module_name(entry.name):
                continue
            if stat.S_ISDIR(info.st_mode) and depth < MAX_DEPTH:
                todo.append((relative, depth + 1))
            elif stat.S_ISREG(info.st_mode) and entry.name.endswith(".py"):
                total += info.st_size
                if total > MAX_BYTES:
                    raise SubmissionError(f"{shown}/rnnlab holds more than {MAX_BYTES} bytes of code")
                try:
                    files[relative] = _read_regular(entry.path, info.st_size)
                except OSError as error:
                    raise SubmissionError(f"cannot read {printable(relative)}: {error.strerror}") from None
    return dict(sorted(files.items()))


def write_copy(files: dict[str, bytes], destination: Path) -> None:
    """Write ``files`` (as :func:`package_files` gives them) under ``destination``, which
    must exist (it is never made again once removed)."""
    for relative, content in files.items():
        folder = destination
        for part in Path(relative).parts[:-1]:
            folder = folder / part
            folder.mkdir(exist_ok=True)
        (folder / Path(relative).name).write_bytes(content)


def fingerprint(files: dict[str, bytes]) -> str:
    """A hash of the files, to tell whether a stored grade is current."""
    digest = hashlib.sha256()
    for relative, content in files.items():
        digest.update(relative.encode() + b"\0" + len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()
