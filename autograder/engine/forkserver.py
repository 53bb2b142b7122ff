"""The fork server's process and folder (stdlib only: it can start before NumPy is imported).

A :class:`Server` is a private temporary folder (``rnnlab-grade-*``, owned by this process)
holding a copy of the runtime (:mod:`autograder.sandbox.worker` and the modules it imports), and
the server process started from it, with a control socket. ``python -m autograder grade``
calls :func:`start_early` before it imports anything else, so that the server's own start
(a Python with NumPy) runs while the grader imports and loads its fixtures;
:class:`~autograder.engine.runner.Workers` then adopts that server (:func:`adopt`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
RUNTIME = ("sandbox", "casefile")  # all the child imports besides the standard library and NumPy
ROOT_PREFIX, OWNER_FILE = "rnnlab-grade-", "grader.pid"


class Server:
    """The folder and the process; :meth:`start` again after :meth:`kill` for a fresh one."""

    def __init__(self) -> None:
        _sweep_stale_folders()
        self.root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        (self.root / OWNER_FILE).write_text(str(os.getpid()))
        self.runtime = self.root / "runtime"
        _copy_runtime(self.runtime)
        self.log = open(self.root / "server.log", "wb")  # noqa: SIM115 (closed in close())
        try:
            self.start()
        except BaseException:  # no server to remove the folder: remove it now
            self.log.close()
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def start(self) -> None:
        self.control, theirs = socket.socketpair()
        command = [sys.executable, "-I", "-S", str(self.runtime / "sandbox" / "worker.py"), _numpy_site_dir(),
                   str(theirs.fileno()), str(os.getpid())]
        self.process = subprocess.Popen(
            command, pass_fds=[theirs.fileno()], cwd=self.runtime, env=_clean_environment(self.runtime),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )
        theirs.close()

    def stop(self) -> None:
        """Close the control socket: the server kills its children, removes the folder, exits."""
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """End the process at once; the folder stays, for :meth:`start`."""
        self.process.kill()
        self.stop()

    def close(self) -> None:
        self.stop()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


_early: Server | None = None


def start_early() -> None:
    """Start a server now, for the next :func:`adopt` of this process."""
    global _early
    _early = Server()


def adopt() -> Server:
    """The server :func:`start_early` started (once), else a new one."""
    global _early
    server, _early = _early, None
    return server if server is not None and server.process.poll() is None else Server()


def _copy_runtime(runtime: Path) -> None:
    """The runtime's modules, with their compiled copies when this process has them (their
    source keeps its time stamp, so Python accepts them): no compiling at every start."""
    for name in RUNTIME:
        top = PACKAGE / name
        for source in sorted(top.rglob("*.py")) if top.is_dir() else [top.with_suffix(".py")]:
            copy = runtime / source.relative_to(PACKAGE)
            (copy.parent / "__pycache__").mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
            compiled = Path(importlib.util.cache_from_source(str(source)))
            if compiled.is_file():
                shutil.copy2(compiled, copy.parent / "__pycache__" / compiled.name)


def _numpy_site_dir() -> str:
    """The folder that holds NumPy (found without importing it)."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        raise ImportError("NumPy is not installed")
    return str(Path(spec.origin).resolve().parent.parent)


def _sweep_stale_folders() -> None:
    """Remove the temporary folders of graders that died before their fork server could
    (killed in the few milliseconds between making the folder and starting the server)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{ROOT_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            continue  # not ours to judge: another user's, or still being made


def _clean_environment(home: Path) -> dict[str, str]:
    """No secrets, no paths of the grader: only what Python and NumPy need."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }

