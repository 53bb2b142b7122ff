"""The audit hook that words refusals for students, installed in the worker's child.

Runs in the untrusted process (stdlib only), after :mod:`kernel` has confined it. The
kernel's layers are the boundary; this hook is a convenience that turns the common
forbidden operations into clear messages (``not allowed in a graded submission: ...``)
and remembers them in :data:`REFUSED`, so the grader can report a refusal even when the
student's code catches the exception. Student code in the same process can defeat it
(native code, writes into its memory), and nothing then becomes possible that the kernel
forbids. It refuses: importing anything but the standard library, NumPy and ``rnnlab``
(TensorFlow, Keras, PyTorch and JAX by name), and the native standard-library modules that
start processes or reach the system without audit events; starting processes or
signalling others; sockets; ctypes; subinterpreters; the ways around the hook itself
(tracing, gc introspection, building code objects, replacing a function's code, raising
rlimits); compiled code (``.so``, ``.pyc``) written by the submission; reading files
outside the submission copy, the standard library and NumPy; writing, deleting or renaming
anything outside the scratch folder; changing directory; links.

The hook keeps its own references to everything it calls: patching ``os``, ``builtins`` or
this module does not change what it refuses. A refusal raises :class:`NotAllowed`, a
``PermissionError`` like the kernel's own refusals.
"""

from __future__ import annotations

import _posixsubprocess
import os
import posix
import signal
import stat
import sys

BLOCKED_MODULES = frozenset({"tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib", "flax"})
ALLOWED_PACKAGES = frozenset({"numpy", "rnnlab"})  # beside the standard library
ESCAPE_MODULES = frozenset({  # native standard-library modules that reach the system unaudited
    "_posixsubprocess", "_multiprocessing", "_posixshmem", "_sqlite3", "_dbm", "_gdbm", "readline",
    "_curses", "syslog", "_tkinter",
})
BLOCKED_EVENTS = (
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "signal.pthread_kill", "pty.spawn", "os.startfile",
    "socket.__new__", "socket.connect", "socket.bind", "ctypes.dlopen", "ctypes.dlsym",
    "ctypes.cdata", "ctypes.call_function", "sys.remote_exec", "os.chroot", "os.setuid",
    "os.chdir", "os.symlink", "os.link", "resource.setrlimit", "resource.prlimit",
    "sys.settrace", "sys.setprofile", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "cpython.PyInterpreterState_New", "sqlite3.", "code.__new__",
)
WRITE_EVENTS = frozenset({
    "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate",
    "os.utime", "os.chflags", "shutil.rmtree", "shutil.move", "shutil.copyfile",
    "shutil.copytree", "os.mkfifo", "os.mknod",
})
TWO_PATH_EVENTS = frozenset({"os.rename", "shutil.move", "shutil.copyfile", "shutil.copytree"})
LIST_EVENTS = frozenset({"os.listdir", "os.scandir", "glob.glob", "os.walk", "os.fwalk"})
FROZEN_ATTRIBUTES = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
UNAUDITED_FUNCTIONS = (  # loaded already (subprocess needs fork_exec): replaced by refusals
    (_posixsubprocess, "fork_exec"), (os, "pidfd_open"), (posix, "pidfd_open"),
    (signal, "pidfd_send_signal"),
)
READABLE_DEVICES = frozenset({"/dev/null", "/dev/urandom", "/dev/zero"})
COMPILED_SUFFIXES = (".so", ".pyc", ".pyd")  # never in a submission copy: only .py is copied
FS_ENCODING = sys.getfilesystemencoding()
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
REFUSED: list[str] = []


class NotAllowed(PermissionError):
    """Raised when student code does something the grader forbids."""


# The helpers below run inside the hook: they look up no global or builtin name when they
# run (everything comes in as a default argument, and the hook refuses replacing a
# function's code or defaults), so student code cannot change what they answer.


def _text(value, encoding=FS_ENCODING, kind=type, sub=issubclass, str_=str,
          bytes_=bytes, int_=int):
    """A path argument as a plain ``str``: None for a file descriptor, "" for anything else
    (a path-like object could name one file to the hook and another one to ``open``)."""
    if sub(kind(value), int_):
        return None
    if sub(kind(value), str_):
        return str_.__str__(value)
    if sub(kind(value), bytes_):
        return bytes_.decode(value, encoding, "surrogateescape")
    return ""


def _resolve(path, getcwd=posix.getcwd, lstat=posix.lstat, readlink=posix.readlink,
             is_link=stat.S_ISLNK, error=OSError):
    """``os.path.realpath`` from C functions only: every link followed, "" for a loop."""
    if not path.startswith("/"):
        path = getcwd() + "/" + path
    todo, done, links = path.split("/")[::-1], "", 0
    while todo:
        part = todo.pop()
        if part in ("", "."):
            continue
        if part == "..":
            done = done.rpartition("/")[0]
            continue
        candidate = done + "/" + part
        try:
            mode = lstat(candidate).st_mode
        except error:
            mode = 0  # missing: the rest is taken literally
        if not is_link(mode):
            done = candidate
            continue
        links += 1
        if links > 40:
            return ""
        target = readlink(candidate)
        if target.startswith("/"):
            done = ""
        todo += target.split("/")[::-1]
    return done or "/"


def _writes(mode, flags, kind=type, sub=issubclass, str_=str, int_=int, bits=WRITE_FLAGS):
    """Whether an ``open`` event's mode or flags may write (unknown types: yes)."""
    if mode is not None:
        if not sub(kind(mode), str_):
            return True
        mode = str_.__str__(mode)
        if "w" in mode or "a" in mode or "x" in mode or "+" in mode:
            return True
    if not sub(kind(flags), int_):
        return True
    return int_.__int__(flags) & bits != 0


def _refuser(name: str):
    def refused(*args: object, **kwargs: object) -> None:
        REFUSED.append(name)
        raise NotAllowed(f"not allowed in a graded submission: {name}")

    return refused


def install_audit_hook(writable: str, readable: tuple[str, ...]) -> None:
    """Refuse what student code must not do; ``writable`` is the scratch folder."""
    for module, name in UNAUDITED_FUNCTIONS:  # no audit event: take them away
        if hasattr(module, name):
            setattr(module, name, _refuser(f"{module.__name__}.{name}"))
    if "subprocess" in sys.modules:  # it keeps its own reference to fork_exec
        sys.modules["subprocess"]._fork_exec = _posixsubprocess.fork_exec
    writable = os.path.realpath(writable)
    roots = frozenset(os.path.realpath(root) for root in (*readable, writable))
    prefixes = tuple(root.rstrip("/") + "/" for root in roots)
    mine = writable.rstrip("/") + "/"
    importable = (frozenset(sys.stdlib_module_names) | ALLOWED_PACKAGES
                  | frozenset(name.partition(".")[0] for name in sys.modules))
    # Everything the hook uses, bound now: the hook object itself is out of reach.
    blocked_modules, escapes, blocked_events, write_events, two_paths, list_events = (
        BLOCKED_MODULES, ESCAPE_MODULES, BLOCKED_EVENTS, WRITE_EVENTS, TWO_PATH_EVENTS, LIST_EVENTS)
    frozen, devices, compiled = FROZEN_ATTRIBUTES, READABLE_DEVICES, COMPILED_SUFFIXES
    record, not_allowed, text, resolve, writes = REFUSED.append, NotAllowed, _text, _resolve, _writes
    is_dir, stat_path, error = stat.S_ISDIR, posix.stat, OSError

    def hook(event: str, args: tuple) -> None:
        what = ""
        if event == "import":
            name = text(args[0]) or ""
            top = name.partition(".")[0]
            path = text(args[1]) if args[1:] and args[1] is not None else None  # native code
            real = resolve(path) if path else ""
            if top in blocked_modules or top in escapes:
                what = f"import {name}"
            elif top not in importable and not top.startswith("_sysconfigdata_"):
                what = f"import {name} (only the standard library and NumPy can be imported)"
            elif path is not None and (real.startswith(mine) or not real.startswith(prefixes)):
                what = f"import {name} from {path[:80]} (compiled code)"
        elif event == "open":
            path = text(args[0])
            if path is None:
                return  # an already open descriptor
            real = resolve(path) if path else ""
            if real.endswith(compiled) and real.startswith(mine):
                what = f"open {path[:80]} (compiled code in the submission)"
            elif real in devices or real == writable or real.startswith(mine):
                return
            elif not path:
                what = "open of a path-like object (use a str path)"
            elif writes(args[1], args[2] if args[2:] else 0):
                what = f"open {path[:80]} for writing"
            elif not (real in roots or real.startswith(prefixes)):
                what = f"open {path[:80]}"
            else:
                try:
                    folder = is_dir(stat_path(real).st_mode)
                except error:
                    folder = False
                if folder:  # its descriptor would let relative paths (dir_fd) out
                    what = f"open the folder {path[:80]}"
        elif event.startswith(blocked_events):
            what = event
        elif event in write_events:
            for value in args[:2] if event in two_paths else args[:1]:
                path = text(value)
                real = resolve(path) if path else ""
                if path is not None and not (real == writable or real.startswith(mine)):
                    what = f"{event} {path[:80]}"
                elif real.endswith(compiled):
                    what = f"{event} {path[:80]} (compiled code in the submission)"
        elif event in list_events and args:
            path = "." if args[0] is None else text(args[0])
            real = resolve(path) if path else ""
            if path is not None and not (real in roots or real.startswith(prefixes)):
                what = f"{event} {path[:80]}"
        elif event == "object.__setattr__" and args[1:] and args[1] in frozen:
            what = f"setting {args[1]}"
        if what:
            record(what)
            raise not_allowed(f"not allowed in a graded submission: {what}")

    sys.addaudithook(hook)
