"""The untrusted side: a fork server that runs student functions on cases it is sent.

Started by :mod:`autograder.engine.runner` as ``python -I -S sandbox/worker.py SITE_DIR CONTROL_FD
GRADER_PID`` from a private folder holding only copies of this package and of ``casefile``:
the grader's package, its hidden fixtures and its case definitions are on
no path this process knows. The server dies with the grader (``PR_SET_PDEATHSIG``).

The server imports NumPy once, then for every request ``{"exercise", "submission", ...}``
on the control socket it receives a fresh socket, forks, and replies with the child's pid.
The child starts a new session, confines itself with the kernel's layers
(:mod:`kernel`: Landlock, seccomp, no capabilities, rlimits, death with the server), adds
the audit hook that words refusals (:mod:`audit`), and reports its layers, all before it
imports any student code. It then imports the student's ``rnnlab.<exercise>`` from its
copy of the submission and reports how that went; it receives cases (calls only: no
names, no references; the grader sends the hidden ones only once the public ones are
answered) and answers each with one message: the results as raw numeric arrays (never
pickled), or what went wrong. What the code printed is flushed to the log before every
answer. The grader waits for each answer with a time limit and kills the child's process
group when it is exceeded.
"""

from __future__ import annotations

import _thread
import contextlib
import importlib
import json
import os
import shutil
import signal
import socket
import sys
import time
import traceback
import types

SITE_DIR = sys.argv[1]
RUNTIME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # holds sandbox/ and casefile
sys.path[:0] = [RUNTIME]  # -I leaves the script's folder out
sys.path.append(SITE_DIR)

import casefile  # noqa: E402
import numpy as np  # noqa: E402
from sandbox import audit, kernel  # noqa: E402


def _system_library_rules() -> list[tuple[str, str]]:
    """What every child may read: the standard library (not its site-packages), NumPy and
    the system's shared libraries (not the Python packages beside them)."""
    stdlib = os.path.dirname(os.__file__)
    rules = [(stdlib, "list"), (SITE_DIR, "list")]
    for folder, skipped in ((stdlib, ("site-packages", "dist-packages")), ("/usr/lib", ("python",))):
        with contextlib.suppress(OSError):
            rules += [(entry.path, "read" if entry.is_dir() else "read-file") for entry in os.scandir(folder)
                      if not entry.name.startswith(skipped)]
    numpy_dir = os.path.dirname(np.__file__)
    rules += [(path, "read") for path in (numpy_dir, numpy_dir + ".libs", "/usr/lib64", "/etc/ld.so.cache",
                                          "/dev/urandom", "/dev/zero", RUNTIME)]
    return [*rules, ("/dev/null", "write")]


SYSTEM_RULES = _system_library_rules()
SECCOMP = kernel.prepare_seccomp()  # compiled once; each child puts its own pid in and loads it


def where(error: BaseException, submission: str) -> str:
    """``rnnlab/lstm.py, line 12, in lstm_step``: the deepest frame in the student's code."""
    package = os.path.join(submission, "rnnlab", "")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(package)]
    if not frames:
        return ""
    frame = frames[-1]
    return f"{os.path.relpath(frame.filename, submission)}, line {frame.lineno}, in {frame.name}"


def describe_error(error: BaseException, submission: str) -> dict:
    return {
        "type": type(error).__name__,
        "message": str(error)[:300],
        "where": where(error, submission),
        "not_allowed": isinstance(error, audit.NotAllowed),
    }


def run_case(case: casefile.Case, module: object, submission: str) -> bytes:
    """Call the student's function on one case; the results or the exception, packed."""
    refused_before = len(audit.REFUSED)

    def own_module(name: str):
        return importlib.import_module(f"rnnlab.{name}")

    def own_layer(name: str):
        return getattr(own_module(name), name)

    arrays: list = []
    started = time.perf_counter()
    try:
        args, kwargs = casefile.call_arguments(case, own_layer)
        owner = module if case.module == case.exercise else own_module(case.module)
        with casefile.trusted_helpers(case, owner):
            result = getattr(owner, case.function)(*args, **kwargs)
        outputs = casefile.case_outputs(case, result)
    except BaseException as error:  # student code may raise anything, SystemExit included
        report = {"status": "raised", "error": describe_error(error, submission)}
    else:
        if isinstance(outputs, str):
            report = {"status": "bad_output", "message": outputs}
        else:
            after = [np.array(a) for a in casefile.input_arrays([args, kwargs])]
            report = {"status": "returned", "outputs": len(outputs)}
            arrays = outputs + after
    report["seconds"] = time.perf_counter() - started
    report["refused"] = audit.REFUSED[refused_before:][:3]
    flush_output()
    return casefile.pack_report(report, arrays)


def flush_output() -> None:
    """Push what the code printed into the log before answering (best effort)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(BaseException):  # a stream the student replaced or filled
            stream.flush()


def stand_in(name: str, problem: str) -> None:
    """Put a module in place of ``rnnlab.<name>`` whose function raises ImportError.

    Only calls that really need the broken module fail (and those the grader replays, such
    as ``one_hot`` in ``embedding_matmul``, do not).
    """
    module = types.ModuleType(f"rnnlab.{name}")

    def broken(*args, **kwargs):
        raise ImportError(f"rnnlab/{name}.py failed to import: {problem}")

    setattr(module, name, broken)
    sys.modules[module.__name__] = module


def import_or_stand_in(name: str, submission: str) -> None:
    """Import ``rnnlab.<name>``; if that raises anything, a stand-in takes its place."""
    try:
        importlib.import_module(f"rnnlab.{name}")
    except BaseException as error:  # SystemExit and KeyboardInterrupt included
        stand_in(name, describe_error(error, submission)["type"])


def probe(outside: str) -> dict[str, str]:
    """What a confined child can do: each check "refused" or "ALLOWED" (run without the hook)."""

    def fork() -> None:
        if os.fork() == 0:
            os._exit(0)

    checks = {
        "read a file outside the allowed folders": lambda: open(outside, "rb").close(),
        "write outside its scratch folder": lambda: open(outside + ".probe", "wb").close(),
        "change a file's mode outside": lambda: os.chmod(outside, 0o600),  # the mode it has
        "start a process": fork,
        "start a thread": lambda: _thread.start_new_thread(lambda: None, ()),
        "signal the fork server": lambda: os.kill(os.getppid(), 0),
        "open a socket": lambda: socket.socket().close(),
    }
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ALLOWED"
        except (OSError, RuntimeError):
            results[name] = "refused"
    return results


def confine(request: dict, server: int) -> list[str]:
    """Every layer this machine offers, applied to this process; their names."""
    copy, scratch = request["submission"], request["scratch"]
    rules = [*SYSTEM_RULES, (copy, "read"), (scratch, "write")]
    limits = (request["memory_bytes"], request["cpu_seconds"], request["file_bytes"])
    layers = kernel.confine(rules, server, limits, SECCOMP)
    if request["audit_hook"]:
        readable = (os.path.dirname(os.__file__), SITE_DIR, RUNTIME, copy)
        audit.install_audit_hook(scratch, readable)
        layers.append("audit-hook")
    return layers


def child(sock: socket.socket, request: dict, server: int) -> None:
    """Serve the cases of one exercise over ``sock``; never returns. ``server``: the fork
    server's process id (when it has died already, ``os.getppid()`` names another)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    os.setsid()
    submission, scratch = request["submission"], request["scratch"]
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.chdir(scratch)
    os.environ.update(TMPDIR=scratch, HOME=scratch)
    sys.path[:0] = [submission]
    started = time.perf_counter()
    layers = confine(request, server)
    confined = {"status": "confined", "layers": layers, "ms": (time.perf_counter() - started) * 1000}
    if request.get("probe"):
        confined["checks"] = probe(request["probe"])
    casefile.send_message(sock, casefile.pack_report(confined, []))
    if request.get("probe") or (request["require_isolation"] and not casefile.kernel_layers(layers)):
        os._exit(0)
    started = time.perf_counter()
    for dependency in request["dependencies"]:  # modules the exercise imports from others
        if request["stand_ins"]:  # importing it ended or hung the process last time
            stand_in(dependency, "importing it ended the process or took too long")
        else:
            import_or_stand_in(dependency, submission)
    try:
        module = importlib.import_module(f"rnnlab.{request['exercise']}")
        report = {"status": "imported"}
    except BaseException as error:
        module = None
        report = {"status": "import_failed", "error": describe_error(error, submission)}
    report["seconds"] = time.perf_counter() - started
    flush_output()
    casefile.send_message(sock, casefile.pack_report(report, []))
    while module is not None:
        payload = casefile.receive_message(sock)
        if not payload:
            break
        for case in casefile.load_wire(payload):
            casefile.send_message(sock, run_case(case, module, submission))
    os._exit(0)


CHILDREN: set[int] = set()  # children not yet reaped (so their ids cannot have been reused)


def reap() -> None:
    """Collect the children that ended (each reply's child ends before the next request)."""
    for pid in list(CHILDREN):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        CHILDREN.discard(pid)


def serve(control: socket.socket) -> None:
    """Fork one child per request until the grader closes the control socket."""
    while True:
        reap()
        message, fds, _, _ = socket.recv_fds(control, 65536, 1)
        if not message:
            return
        request = json.loads(message)
        sock = socket.socket(fileno=fds[0])
        reap()
        # the clean-up on SIGTERM must know every child: none is forked unrecorded
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        server, pid = os.getpid(), os.fork()
        if pid == 0:
            control.close()
            try:
                child(sock, request, server)
            except BaseException:
                traceback.print_exc()
                flush_output()
            finally:
                os._exit(70)
        CHILDREN.add(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        sock.close()
        control.sendall(json.dumps({"pid": pid}).encode())


def end_and_remove_folder(*signal_args: object) -> None:
    """Kill every child, remove the grader's temporary folder, exit. Run when the grader
    closes the control socket and on SIGTERM, its parent-death signal: a grader killed at
    any moment, even by SIGKILL, leaves nothing behind; and when serving ends with an
    error (a reply to a grader that has just died)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # the clean-up runs once
    for pid in CHILDREN:  # first the children, so that none writes while the folder goes
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # not yet reaped: the id is still this child's
    for pid in CHILDREN:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    for _ in range(3):  # again if a file appeared while it went
        shutil.rmtree(ROOT, ignore_errors=True)
        if not os.path.exists(ROOT):
            break
    os._exit(0)


def die_with_grader(grader: int) -> None:
    """SIGTERM, and so :func:`end_and_remove_folder`, when the grader ends."""
    signal.signal(signal.SIGTERM, end_and_remove_folder)
    with contextlib.suppress(OSError):  # refused (a container): the folder stays if the grader dies
        kernel.die_with_parent(grader, signal.SIGTERM)


if __name__ == "__main__":
    ROOT = os.path.dirname(os.getcwd())  # the server runs in <root>/runtime
    die_with_grader(int(sys.argv[3]))
    try:
        serve(socket.socket(fileno=int(sys.argv[2])))
    finally:
        end_and_remove_folder()
