"""seccomp through libseccomp (ctypes): the filter that refuses, with EPERM, what Landlock does not
guard (new processes and threads, programs, signals to other processes, files' metadata, IPC,
sockets, tracing, mounts, namespaces, io_uring, bpf and the like)."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
from typing import NamedTuple

from .libc import PR_SET_PDEATHSIG, libc

ACT_ALLOW = 0x7FFF0000
CMP_NE, CMP_EQ = 1, 4


def _act_errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_uint), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


REFUSED_SYSCALLS = (
    # new processes, threads and programs
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # signals to others, and the handles that lead to them
    "pidfd_open", "pidfd_send_signal", "pidfd_getfd",
    # metadata of files, which Landlock does not guard: modes, owners, times, attributes
    "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
    "utime", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr",
    "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "removexattrat",
    # System V IPC and POSIX message queues: objects that outlive the child, shared with
    # every other process (a channel between classmates in a batch)
    "shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl", "semget",
    "semop", "semctl", "semtimedop", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
    "mq_notify", "mq_getsetattr",
    # sockets beyond the one handed over
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    # other processes' memory and the kernel's own machinery
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
    "mount", "umount2", "fsopen", "fsmount", "fsconfig", "fspick", "move_mount", "open_tree",
    "mount_setattr", "pivot_root", "chroot", "unshare", "setns", "bpf", "perf_event_open",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd", "keyctl",
    "add_key", "request_key", "personality", "open_by_handle_at", "name_to_handle_at",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "iopl", "ioperm", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "syslog", "mknod", "mknodat",
    "capset", "setrlimit", "setpriority", "sched_setscheduler", "sched_setparam",
    "sched_setattr", "sched_setaffinity", "ioprio_set", "migrate_pages", "move_pages",
)
F_SETOWN, F_SETSIG, F_SETOWN_EX = 8, 10, 15
FIOSETOWN, SIOCSPGRP, TIOCSTI = 0x8901, 0x8902, 0x5412


def _conditional_rules(pid: int) -> list[tuple[str, int, int, int]]:
    """(syscall, argument, comparison, value): refused when the comparison holds."""
    rules = [(name, 0, CMP_NE, pid) for name in  # signals: only to itself
             ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")]
    rules += [("fcntl", 1, CMP_EQ, cmd) for cmd in (F_SETOWN, F_SETSIG, F_SETOWN_EX)]
    rules += [("ioctl", 1, CMP_EQ, cmd) for cmd in (FIOSETOWN, SIOCSPGRP, TIOCSTI)]
    rules += [("prctl", 0, CMP_EQ, PR_SET_PDEATHSIG), ("prlimit64", 2, CMP_NE, 0)]
    return rules


def _load_libseccomp() -> ctypes.CDLL | None:
    """libseccomp, loaded when this module is (before Landlock hides the library's folder)."""
    try:
        lib = ctypes.CDLL("libseccomp.so.2")  # the soname of every libseccomp 2.x
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_version.restype = ctypes.POINTER(ctypes.c_uint * 3)
    return lib


_LIBSECCOMP = _load_libseccomp()


def seccomp_version() -> str:
    """libseccomp's version, or "" when it cannot be loaded."""
    lib = _LIBSECCOMP
    if lib is None:
        return ""
    return ".".join(str(part) for part in lib.seccomp_version().contents)


PID_PLACEHOLDERS = (0x3FFFFFF1, 0x3FFFFFF2)  # never process ids (pid_max is at most 2**22)
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


class SeccompProgram(NamedTuple):
    """The filter compiled once for any process: its BPF code, built with a placeholder
    process id, and the offsets of the 32-bit words that hold it."""

    code: bytes
    pid_offsets: tuple[int, ...]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def prepare_seccomp() -> SeccompProgram | None:
    """Compile the filter once (the fork server does, so that each child only loads it).

    The filter is built for two placeholder ids; the two programs must differ only in
    comparisons with the placeholders, which tells where a child's own id goes. None when
    libseccomp is missing or the programs differ in any other way."""
    try:
        first, second = (_compiled(pid) for pid in PID_PLACEHOLDERS)
    except OSError:
        return None
    if len(first) != len(second) or len(first) % 8:
        return None
    offsets = []
    for at in range(0, len(first), 8):
        if first[at:at + 8] != second[at:at + 8]:
            one, other = struct.unpack_from("=HBBI", first, at), struct.unpack_from("=HBBI", second, at)
            if one[:3] != other[:3] or (one[3], other[3]) != PID_PLACEHOLDERS:
                return None
            offsets.append(at + 4)
    return SeccompProgram(first, tuple(offsets)) if offsets else None


def apply_seccomp(program: SeccompProgram | None = None) -> None:
    """Install the filter: ``program`` (from :func:`prepare_seccomp`) with this process's
    id put in, or the filter compiled here and now."""
    program = program or prepare_seccomp()
    if program is None:
        raise OSError(errno.ENOENT, "libseccomp is missing or cannot compile the filter")
    code = bytearray(program.code)
    for at in program.pid_offsets:
        struct.pack_into("=I", code, at, os.getpid())
    buffer = (ctypes.c_char * len(code)).from_buffer(code)
    fprog = _SockFprog(len(code) // 8, ctypes.addressof(buffer))
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def _compiled(pid: int) -> bytes:
    """The BPF program libseccomp compiles for a process whose id is ``pid``."""
    lib = _LIBSECCOMP
    if lib is None:
        raise OSError(errno.ENOENT, "libseccomp is not installed")
    context = lib.seccomp_init(ACT_ALLOW)
    if not context:
        raise OSError(errno.EINVAL, "seccomp_init")
    try:
        _add_seccomp_rules(context, [(name, None) for name in REFUSED_SYSCALLS])
        _add_seccomp_rules(context, [(name, _ArgCmp(arg, op, value, 0))
                                     for name, arg, op, value in _conditional_rules(pid)])
        out = os.memfd_create("seccomp-bpf", os.MFD_CLOEXEC)
        try:
            if lib.seccomp_export_bpf(context, out) != 0:
                raise OSError(errno.EINVAL, "seccomp_export_bpf")
            return os.pread(out, os.lseek(out, 0, os.SEEK_END), 0)
        finally:
            os.close(out)
    finally:
        lib.seccomp_release(context)


def _add_seccomp_rules(context: int, rules: list[tuple[str, _ArgCmp | None]]) -> None:
    """Refuse each syscall (with EPERM), where its condition holds when it has one."""
    lib, refuse = _LIBSECCOMP, _act_errno(errno.EPERM)
    for name, condition in rules:
        number = lib.seccomp_syscall_resolve_name(name.encode())
        if number < 0:
            continue  # not a syscall on this architecture (fork on arm64...)
        arguments = ctypes.byref(condition) if condition is not None else None
        if lib.seccomp_rule_add_array(context, refuse, number, int(condition is not None), arguments) != 0:
            raise OSError(errno.EINVAL, f"seccomp rule for {name}")
