"""Kernel layers that confine the child running student code (stdlib only, Linux).

The child calls :func:`confine` after it has opened its log and socket and before it
imports any student code. Each layer is applied only where the kernel offers it, and
:func:`confine` returns the names of those that are active:

- ``landlock-abi<N>``: read and execute only the paths given (the standard library, NumPy,
  system libraries, the submission copy), write only the scratch folder (see
  :func:`apply_landlock`); with ABI 4+ no
  TCP bind or connect; with ABI 6+ no signals or abstract unix sockets outside the child;
- ``seccomp``: a filter (libseccomp, through ctypes) that refuses new processes and
  threads, programs, signals to other processes, changes to files' metadata (modes,
  owners, times, extended attributes: Landlock does not guard them), System V IPC and
  POSIX message queues (they outlive the child and are shared), sockets, tracing,
  mounts, namespaces, io_uring, bpf and the like with EPERM, so Python raises
  ``PermissionError``;
- ``no-new-privs``, ``capabilities-dropped`` (when running as root), ``rlimits`` (memory,
  CPU, file size, processes, open files, no core files) and ``parent-death`` (SIGKILL when
  the fork server ends, so that nothing outlives grading).

A restriction cannot be lifted from inside: the audit hook of :mod:`audit` only words the
refusals; these layers are what hold when the hook is defeated.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal

from .landlock import apply_landlock, landlock_abi
from .libc import PR_CAP_AMBIENT, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_PDEATHSIG, libc
from .seccomp import SeccompProgram, apply_seccomp, prepare_seccomp, seccomp_version

__all__ = ["confine", "die_with_parent", "landlock_abi", "prepare_seccomp", "seccomp_version"]


CAPSET = {"x86_64": 126, "aarch64": 91}  # capset(2): libc has no wrapper


def _drop_capabilities() -> bool:
    """Drop every capability (bounding, ambient, effective, permitted); True if any was held."""
    number = CAPSET.get(os.uname().machine)
    if os.geteuid() != 0 or number is None:
        return False
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    if libc.syscall(number, header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    return True


def set_limits(memory_bytes: int, cpu_seconds: int, file_bytes: int, open_files: int = 64) -> bool:
    """Resource limits for this process (it can start no other); False if one was refused."""
    applied = True
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, file_bytes), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, 0), (resource.RLIMIT_NOFILE, open_files)):
        try:
            resource.setrlimit(limit, (value, value))
        except (OSError, ValueError):  # a container's own lower hard limit, say
            applied = False
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write raises OSError instead
    return applied


def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:
    """``signum`` when ``parent`` ends, and at once if it already has."""
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)


def confine(rules: list[tuple[str, str]], parent: int, limits: tuple[int, int, int],
            seccomp: SeccompProgram | None = None) -> list[str]:
    """Apply every layer this kernel offers; the names of the active ones (a layer the
    kernel or a container refuses is left out, never fatal). ``seccomp``: the filter
    :func:`prepare_seccomp` compiled before this process was forked."""
    layers = []
    try:
        die_with_parent(parent)
        layers.append("parent-death")
    except OSError:
        pass
    layers.append("rlimits" if set_limits(*limits) else "rlimits-partial")
    try:
        if _drop_capabilities():
            layers.append("capabilities-dropped")
    except OSError:
        pass
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
        layers.append("no-new-privs")
    abi = landlock_abi()
    if abi:
        try:
            apply_landlock(rules, abi)
            layers.append(f"landlock-abi{abi}")
        except OSError:
            pass
    try:
        apply_seccomp(seccomp)
        layers.append("seccomp")
    except OSError:
        pass
    return layers
