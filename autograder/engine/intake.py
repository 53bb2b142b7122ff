"""What the trusted side takes from a submission folder: the Python files of ``rnnlab/``.

A submission may come in several shapes (see :func:`package_files`), always read the same
way. It belongs to a student, so it is read defensively: links are refused (a
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
import zipfile
from pathlib import Path, PurePosixPath

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
    """``{"rnnlab/lstm.py": b"..."}``: the modules of a submission in any accepted shape.

    Accepted, everywhere (``grade``, ``batch``, Gradescope, otter): a folder holding
    ``rnnlab/``, a folder holding exactly one such folder, a folder of module files alone
    (gathered into ``rnnlab/``), or a ``.zip`` of any of these. Raises
    :class:`SubmissionError` with one sentence for anything else, for links, and for more
    than ``MAX_BYTES`` of code or ``MAX_ENTRIES`` entries. ``__pycache__``, hidden folders
    and names that cannot be modules are skipped.
    """
    shown = printable(str(source))
    try:
        mode = os.stat(source).st_mode
    except OSError as error:
        raise SubmissionError(f"cannot read {shown}: {error.strerror}") from None
    if stat.S_ISREG(mode) and source.name.lower().endswith(".zip"):
        files = _zip_files(source)
    elif stat.S_ISDIR(mode):
        files = _folder_files(source)
    else:
        raise SubmissionError(f"{shown} is not a folder or a .zip: {EXPECTED}")
    if not any(not name.endswith("/__init__.py") for name in files):
        raise SubmissionError(f"{shown}: rnnlab/ holds no module files (.py other than __init__.py)")
    return dict(sorted(files.items()))


EXPECTED = ("expected a folder holding rnnlab/, one folder holding it, the module files alone, "
            "or a .zip of one of these")


def _kind(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _folder_files(source: Path) -> dict[str, bytes]:
    shown = printable(str(source))
    mode = _kind(source / "rnnlab")
    if stat.S_ISLNK(mode):
        raise SubmissionError(f"{shown}/rnnlab is a symbolic link: only a real folder is graded")
    if stat.S_ISDIR(mode):
        return _walk(source)
    if mode:
        raise SubmissionError(f"{shown}/rnnlab is not a folder: {EXPECTED}")
    try:
        with os.scandir(source) as listing:
            entries = [entry for _, entry in zip(range(MAX_ENTRIES + 1), listing)]
    except OSError as error:
        raise SubmissionError(f"cannot read {shown}: {error.strerror}") from None
    holders = [e for e in entries
               if e.is_dir(follow_symlinks=False) and stat.S_ISDIR(_kind(Path(e.path, "rnnlab")))]
    if len(holders) == 1:
        return _folder_files(Path(holders[0].path))
    loose = {f"rnnlab/{e.name}": e for e in entries
             if e.name.endswith(".py") and _module_name(e.name) and e.name != "__init__.py"
             and e.is_file(follow_symlinks=False)}
    if loose and not holders:
        sizes = {name: e.stat(follow_symlinks=False).st_size for name, e in loose.items()}
        _check_size(sum(sizes.values()), shown)
        files = {name: _read_regular(e.path, sizes[name]) for name, e in loose.items()}
        return {"rnnlab/__init__.py": b"", **files}
    found = f"{len(holders)} folders holding rnnlab/" if holders else (
        f"{sum(e.is_dir() for e in entries)} folders and {sum(not e.is_dir() for e in entries)} other files, "
        "no .py file")
    raise SubmissionError(f"{shown} has no rnnlab/ folder ({found}): {EXPECTED}")


def _check_size(total: int, shown: str) -> None:
    if total > MAX_BYTES:
        raise SubmissionError(f"{shown} holds more than {MAX_BYTES} bytes of code")


def _zip_files(source: Path) -> dict[str, bytes]:
    """The modules of a zip, chosen as :func:`_folder_files` chooses them in a folder."""
    shown = printable(str(source))
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if len(members) > MAX_ENTRIES:
                raise SubmissionError(f"{shown} holds more than {MAX_ENTRIES} entries")
            if any(stat.S_ISLNK(info.external_attr >> 16) for info in members):
                raise SubmissionError(f"{shown} holds a symbolic link: links are not graded")
            regular = [info for info in members if not info.is_dir() and info.filename.endswith(".py")]
            names = [PurePosixPath(info.filename) for info in regular]
            root = _zip_root(names, shown)
            chosen = {}
            for info, name in zip(regular, names):
                relative = _zip_relative(name, root)
                if relative is not None:
                    chosen[relative] = info
            _check_size(sum(info.file_size for info in chosen.values()), shown)
            files = {relative: archive.open(info).read(MAX_BYTES + 1) for relative, info in chosen.items()}
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
        raise SubmissionError(f"{shown} is not a readable zip: {error}") from None
    _check_size(sum(len(content) for content in files.values()), shown)
    if root is None:
        files.setdefault("rnnlab/__init__.py", b"")
    return files


def _zip_root(names: list[PurePosixPath], shown: str) -> PurePosixPath | None:
    """The folder of the zip that holds ``rnnlab/`` (None: loose module files at the top)."""
    holders = {name.parents[len(name.parts) - 1 - name.parts.index("rnnlab")]
               for name in names if "rnnlab" in name.parts[:-1]}
    top = {h for h in holders if len(h.parts) <= 2}  # the zip of a folder holding one that holds it
    if len(top) == 1:
        return top.pop()
    if not top and any(len(name.parts) == 1 for name in names):
        return None
    raise SubmissionError(f"{shown} has no rnnlab/ folder ({len(top)} folders holding one): {EXPECTED}")


def _zip_relative(name: PurePosixPath, root: PurePosixPath | None) -> str | None:
    """``rnnlab/...`` for a member under the chosen root with module names only, else None."""
    if root is None:
        parts = ("rnnlab", *name.parts) if len(name.parts) == 1 else ()
    else:
        parts = name.parts[len(root.parts):] if name.parts[: len(root.parts)] == root.parts else ()
    if not parts or parts[0] != "rnnlab" or len(parts) > MAX_DEPTH + 2:
        return None
    return "/".join(parts) if all(_module_name(part) for part in parts[1:]) else None


def _walk(source: Path) -> dict[str, bytes]:
    """The modules below ``source/rnnlab``, walked without recursion or links."""
    shown = printable(str(source))
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
                _check_size(total, f"{shown}/rnnlab")
                try:
                    files[relative] = _read_regular(entry.path, info.st_size)
                except OSError as error:
                    raise SubmissionError(f"cannot read {printable(relative)}: {error.strerror}") from None
    return files


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
