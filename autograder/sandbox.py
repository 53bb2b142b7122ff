"""Limits for student code, installed inside the worker process before it is imported.

Runs in the untrusted process (stdlib only). What it enforces:

- resource limits: address space, CPU seconds, size of files written, no core files;
- an audit hook (which Python code cannot remove) that refuses: importing TensorFlow,
  Keras, PyTorch or JAX; starting processes or signalling others; sockets; ctypes;
  reading files outside the submission copy, the standard library and NumPy; and writing,
  deleting or renaming anything outside the submission copy.

A refusal raises :class:`NotAllowed` and is remembered in :data:`REFUSED`, so the grader
can report it even when the student's code catches the exception. This is a guard rail,
not a jail: see the README's security section for what it does not stop.
"""

from __future__ import annotations

import os
import resource
import signal
import sys

BLOCKED_MODULES = {"tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib", "flax"}
BLOCKED_EVENTS = (
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "signal.pthread_kill", "pty.spawn", "os.startfile",
    "socket.__new__", "socket.connect", "socket.bind", "ctypes.dlopen", "ctypes.dlsym",
    "ctypes.cdata", "ctypes.call_function", "sys.remote_exec", "os.chroot", "os.setuid",
)
WRITE_EVENTS = (
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
    "os.symlink", "os.truncate", "os.utime", "os.chflags", "shutil.rmtree", "shutil.move",
    "shutil.copyfile", "shutil.copytree", "os.mkfifo", "os.mknod",
)
LIST_EVENTS = ("os.listdir", "os.scandir", "glob.glob", "os.walk", "os.fwalk")
READABLE_DEVICES = ("/dev/null", "/dev/urandom", "/dev/zero")
REFUSED: list[str] = []


class NotAllowed(PermissionError):
    """Raised when student code does something the grader forbids."""


def set_limits(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
    """Resource limits for this process and everything it could start."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write raises OSError instead


def _real(path: object) -> str | None:
    if isinstance(path, int):
        return None  # an already open descriptor
    try:
        return os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return ""


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _writes(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))


def install_audit_hook(writable: str, readable: tuple[str, ...]) -> None:
    """Refuse what student code must not do; ``writable`` is the submission copy."""
    writable = os.path.realpath(writable)
    readable = tuple(os.path.realpath(root) for root in (*readable, writable))

    def refuse(what: str) -> None:
        REFUSED.append(what)
        raise NotAllowed(f"not allowed in a graded submission: {what}")

    def hook(event: str, args: tuple) -> None:
        if event == "import":
            top = str(args[0]).split(".")[0]
            if top in BLOCKED_MODULES:
                refuse(f"import {args[0]}")
        elif event == "open":
            path = _real(args[0])
            if path is None or path in READABLE_DEVICES:
                return
            roots = (writable,) if _writes(args[1], args[2] if len(args) > 2 else 0) else readable
            if not _inside(path, roots):
                refuse(f"open {os.fsdecode(args[0])!s:.80}")
        elif event.startswith(BLOCKED_EVENTS):
            refuse(event)
        elif event in WRITE_EVENTS:
            for path in args:
                real = _real(path) if isinstance(path, (str, bytes, os.PathLike)) else None
                if real is not None and not _inside(real, (writable,)):
                    refuse(f"{event} {os.fsdecode(path)!s:.80}")
        elif event in LIST_EVENTS and args:
            real = _real(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else None
            if real is not None and not _inside(real, readable):
                refuse(f"{event} {os.fsdecode(args[0])!s:.80}")

    sys.addaudithook(hook)
