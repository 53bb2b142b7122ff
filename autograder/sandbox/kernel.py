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

A restriction cannot be lifted from inside: the audit hook of :mod:`sandbox` only words the
refusals; these layers are what hold when the hook is defeated.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import stat
import struct
from typing import NamedTuple

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47

# --- Landlock (Documentation/userspace-api/landlock.rst) -------------------------------

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # the same on every arch
RULE_PATH_BENEATH = 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # those a file rule may hold
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
READ = EXECUTE | READ_FILE | READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers (0: none, or disabled)."""
    version = _libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: EXECUTE ... MAKE_SYM
    rights |= REFER if abi >= 2 else 0
    rights |= TRUNCATE if abi >= 3 else 0
    return rights | (IOCTL_DEV if abi >= 5 else 0)


def _add_rule(ruleset: int, path: str, rights: int) -> None:
    """Allow ``rights`` beneath ``path`` (missing paths are skipped)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if rights & ~FILE_RIGHTS and not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        if not rights:
            return
        rule = _PathBeneath(rights, fd)
        if _libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule {path}")
    finally:
        os.close(fd)


def apply_landlock(rules: list[tuple[str, str]], abi: int) -> None:
    """Confine this process to ``rules``: ``(path, mode)`` with mode ``list`` (names only),
    ``read`` (read and execute) or ``write`` (everything) beneath the path, or ``read-file``
    (read and execute a path known to be a file, which saves looking)."""
    fs = _fs_rights(abi)
    rights = {"list": READ_DIR, "read": READ & fs, "read-file": READ & fs & FILE_RIGHTS, "write": fs}
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        for path, mode in rules:
            _add_rule(ruleset, path, rights[mode])
        if _libc.syscall(SYS_RESTRICT_SELF, ruleset, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)


# --- seccomp (libseccomp) -----------------------------------------------------------------

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
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
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


# --- the rest -----------------------------------------------------------------------------


CAPSET = {"x86_64": 126, "aarch64": 91}  # capset(2): libc has no wrapper


def _drop_capabilities() -> bool:
    """Drop every capability (bounding, ambient, effective, permitted); True if any was held."""
    number = CAPSET.get(os.uname().machine)
    if os.geteuid() != 0 or number is None:
        return False
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    if _libc.syscall(number, header, data) != 0:
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
    if _libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
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
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
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
