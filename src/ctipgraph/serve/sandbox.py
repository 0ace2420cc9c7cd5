"""No network for the query workers: defence in depth behind the query policy.

`confine()` runs in the single-threaded worker factory (the zygote), so every query worker it
forks inherits it. Two independent kernel mechanisms, each applied when the OS allows it:

- a network namespace of its own (`unshare(CLONE_NEWNET)`, inside a new user namespace when the
  process lacks CAP_SYS_ADMIN): no interface but a loopback that is down, so no host — not even
  this one's 127.0.0.1 — can be reached;
- a seccomp filter: `socket()` for any family but AF_UNIX fails with EACCES, and io_uring (which
  can open sockets without that call) is unavailable. Workers only use the socket they inherit.

Either one alone stops a SERVICE call that the policy somehow missed from connecting anywhere.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
from dataclasses import dataclass

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# classic BPF over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6];}
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EACCES  # SECCOMP_RET_ERRNO
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16
#: machine → (AUDIT_ARCH, socket syscall number, first syscall of the x32 ABI or None)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 0x40000000),
    "aarch64": (0xC00000B7, 198, None),
}
_IO_URING = (425, 426, 427)  # io_uring_setup, _enter, _register (same on both)


@dataclass(frozen=True)
class Confinement:
    """What `confine()` achieved (reported on /health)."""

    network_namespace: bool = False
    seccomp: bool = False
    reason: str = ""  # why egress is not blocked, when it is not

    @property
    def egress_blocked(self) -> bool:
        return self.network_namespace or self.seccomp

    def to_dict(self) -> dict[str, object]:
        return {"egress": "blocked" if self.egress_blocked else "allowed",
                "network_namespace": self.network_namespace, "seccomp": self.seccomp,
                **({"reason": self.reason} if self.reason else {})}


def confine() -> Confinement:
    """Cut this process (and what it forks from now on) off the network, as far as allowed.

    Must run while the process has a single thread (user namespaces require it; a seccomp
    filter only covers the calling thread and its future children).
    """
    netns = _network_namespace()
    seccomp = _seccomp()
    reason = "" if netns or seccomp else "neither network namespaces nor seccomp are available"
    return Confinement(netns, seccomp, reason)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _network_namespace() -> bool:
    libc = _libc()
    if libc is None or not hasattr(libc, "unshare"):
        return False
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    # without CAP_SYS_ADMIN: a user namespace of our own first (the uid stays ours on files)
    return libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seccomp_program(machine: str | None = None) -> list[tuple[int, int, int, int]] | None:
    """The filter for this machine: (code, jt, jf, k) instructions, or None if unsupported."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    audit_arch, socket_nr, x32 = arch
    program = [
        (_LD_ABS, 0, 0, _OFF_ARCH),
        (_JEQ, 1, 0, audit_arch),  # another ABI (i386 on x86_64: socketcall): deny
        (_RET, 0, 0, _DENY),
        (_LD_ABS, 0, 0, _OFF_NR),
    ]
    if x32 is not None:
        program += [(_JGE, 0, 1, x32), (_RET, 0, 0, _DENY)]
    for number in _IO_URING:
        program += [(_JEQ, 0, 1, number), (_RET, 0, 0, _DENY)]
    program += [
        (_JEQ, 0, 3, socket_nr),
        (_LD_ABS, 0, 0, _OFF_ARG0),  # the address family (low 32 bits)
        (_JEQ, 1, 0, socket.AF_UNIX),
        (_RET, 0, 0, _DENY),
        (_RET, 0, 0, _ALLOW),
    ]
    return program


def _seccomp() -> bool:
    libc = _libc()
    program = seccomp_program()
    if libc is None or program is None or not hasattr(libc, "prctl"):
        return False
    filters = (_SockFilter * len(program))(*(_SockFilter(*ins) for ins in program))
    fprog = _SockFprog(len(program), filters)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def probe_egress(host: str = "127.0.0.1", port: int = 9) -> str:
    """How a TCP connection attempt from this process ends (for tests and diagnostics)."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return "connected"
    except OSError as error:
        return errno.errorcode.get(error.errno or 0, str(error))

