"""Proxy, multicast and classic-BPF options that are not one ``int``
(the table's options are in ``_options.py``): the IPv4 outgoing multicast
interface (``IP_MULTICAST_IF``), source-specific multicast joins
(``IP_ADD_SOURCE_MEMBERSHIP``, ``MCAST_JOIN_SOURCE_GROUP``), the original
destination before a NAT redirect (``SO_ORIGINAL_DST``), the saved SYN
(``TCP_SAVED_SYN``) and classic BPF programs (``SO_ATTACH_REUSEPORT_CBPF``,
``SO_ATTACH_FILTER``), over the C ABI's ``src/ffi/proxy_opts.rs`` and
``src/ffi/cbpf.rs``. Each method is one C call; the C exports check the
arguments and name the problem in the ``OSError``."""

from __future__ import annotations

import ctypes
import socket
from ctypes import c_uint8
from typing import Any, Callable, Generic, Iterable, TypeVar

from . import _check, _ffi
from . import _prototypes as _p
from ._addr import D, SocketAddrV4, SocketAddrV6, from_wl

R = TypeVar("R")

MAX_INSTRUCTIONS = 4096
"""The longest classic BPF program the kernel accepts (``BPF_MAXINSNS``)."""

_STEER_LEN = 3


def _packed(family: int, host: Any, name: str, what: str) -> Any:
    text = _check.text(host, name, what)
    try:
        raw = socket.inet_pton(family, text)
    except OSError:
        kind = "IPv4" if family == socket.AF_INET else "IPv6"
        raise ValueError(f"{what}() argument '{name}': {text!r} is not a numeric {kind} address") from None
    return (c_uint8 * len(raw)).from_buffer_copy(raw)


class CbpfProgram:
    """A classic BPF program (``struct sock_filter[]``, see
    ``linux/filter.h``) for :meth:`ProxyOptions.attach_reuseport_cbpf`
    and :meth:`ProxyOptions.attach_filter`: build one with
    :meth:`steer_by_cpu`, :meth:`steer_by_hash` or :meth:`constant`, or
    from ``(code, jt, jf, k)`` instructions. For reuseport, the program's
    return value is the index of the socket in the group, in bind order."""

    __slots__ = ("_insns",)

    def __init__(self, instructions: Iterable[tuple[int, int, int, int]]) -> None:
        items = _check.iterable(instructions, "instructions", "CbpfProgram")
        if not 1 <= len(items) <= MAX_INSTRUCTIONS:
            raise ValueError(f"CbpfProgram(): a program has 1 to {MAX_INSTRUCTIONS} instructions, got {len(items)}")
        insns = (_p.wl_bpf_insn * len(items))()
        for i, item in enumerate(items):
            if not isinstance(item, tuple) or len(item) != 4:
                raise TypeError(f"CbpfProgram(): instruction {i} is not a (code, jt, jf, k) tuple: {item!r}")
            code, jt, jf, k = item
            insns[i].code = _check.uint(code, 16, "code", "CbpfProgram")
            insns[i].jt = _check.uint(jt, 8, "jt", "CbpfProgram")
            insns[i].jf = _check.uint(jf, 8, "jf", "CbpfProgram")
            insns[i].k = _check.uint(k, 32, "k", "CbpfProgram")
        self._insns = insns

    @classmethod
    def _built(cls, fill: Callable[[Any, int], int]) -> CbpfProgram:
        buf = (_p.wl_bpf_insn * _STEER_LEN)()
        n = fill(buf, _STEER_LEN)
        return cls((i.code, i.jt, i.jf, i.k) for i in buf[:n])

    @classmethod
    def steer_by_cpu(cls, sockets: int) -> CbpfProgram:
        """Socket ``cpu % sockets`` (``SKF_AD_CPU``): with one socket per
        CPU, each CPU's connections stay on that CPU's socket."""
        n = _check.uint(sockets, 32, "sockets", "steer_by_cpu")
        return cls._built(lambda buf, cap: _p.wl_bpf_steer_by_cpu(n, buf, cap))

    @classmethod
    def steer_by_hash(cls, sockets: int) -> CbpfProgram:
        """Socket ``rxhash % sockets``, the packet's flow hash
        (``SKF_AD_RXHASH``): one flow always reaches the same socket."""
        n = _check.uint(sockets, 32, "sockets", "steer_by_hash")
        return cls._built(lambda buf, cap: _p.wl_bpf_steer_by_hash(n, buf, cap))

    @classmethod
    def constant(cls, value: int) -> CbpfProgram:
        """Always ``value``: every connection to socket ``value``; as a
        filter, 0 drops every packet and ``0xffffffff`` keeps each whole."""
        v = _check.uint(value, 32, "value", "constant")
        return cls._built(lambda buf, cap: _p.wl_bpf_constant(v, buf, cap))

    @property
    def instructions(self) -> list[tuple[int, int, int, int]]:
        """The ``(code, jt, jf, k)`` instructions."""
        return [(i.code, i.jt, i.jf, i.k) for i in self._insns]

    def __len__(self) -> int:
        return len(self._insns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CbpfProgram) and self.instructions == other.instructions

    def __hash__(self) -> int:
        return hash(tuple(self.instructions))

    def __repr__(self) -> str:
        return f"CbpfProgram({self.instructions!r})"


class ProxyOptions(Generic[D]):
    """The options of this module on every state (mixed into ``Options``)."""

    __slots__ = ()

    _fd: int

    def _call(self, call: Callable[[Any], R]) -> R:
        raise NotImplementedError

    def set_multicast_if_v4(self: ProxyOptions[SocketAddrV4], interface: str = "0.0.0.0", ifindex: int = 0) -> None:
        """``IP_MULTICAST_IF`` (``ip(7)``): send multicast through the
        interface with address ``interface`` and/or index ``ifindex``
        (``socket.if_nametoindex``; the index wins); ``"0.0.0.0"`` and 0
        go back to the route's choice."""
        addr = _packed(socket.AF_INET, interface, "interface", "set_multicast_if_v4")
        index = _check.uint(ifindex, 32, "ifindex", "set_multicast_if_v4")
        self._call(lambda h: _p.wl_set_multicast_if_v4(self._fd, addr, index))

    def multicast_if_v4(self: ProxyOptions[SocketAddrV4]) -> str:
        """The address of the outgoing multicast interface
        (``IP_MULTICAST_IF``); ``"0.0.0.0"`` when unset or set by index."""
        out = (c_uint8 * 4)()
        self._call(lambda h: _p.wl_multicast_if_v4(self._fd, out))
        return socket.inet_ntop(socket.AF_INET, bytes(out))

    def join_ssm_v4(self: ProxyOptions[SocketAddrV4], group: str, source: str, interface: str = "0.0.0.0") -> None:
        """``IP_ADD_SOURCE_MEMBERSHIP`` (``ip(7)``): receive datagrams
        sent to ``group`` by ``source`` only; once per allowed source."""
        g, s, i = (_packed(socket.AF_INET, v, n, "join_ssm_v4") for v, n in
                   ((group, "group"), (source, "source"), (interface, "interface")))
        self._call(lambda h: _p.wl_join_ssm_v4(self._fd, g, s, i))

    def leave_ssm_v4(self: ProxyOptions[SocketAddrV4], group: str, source: str, interface: str = "0.0.0.0") -> None:
        """``IP_DROP_SOURCE_MEMBERSHIP`` (``ip(7)``)."""
        g, s, i = (_packed(socket.AF_INET, v, n, "leave_ssm_v4") for v, n in
                   ((group, "group"), (source, "source"), (interface, "interface")))
        self._call(lambda h: _p.wl_leave_ssm_v4(self._fd, g, s, i))

    def join_ssm_v6(self: ProxyOptions[SocketAddrV6], group: str, source: str, interface: int = 0) -> None:
        """``MCAST_JOIN_SOURCE_GROUP`` (RFC 3678) on interface index
        ``interface`` (0: by route)."""
        g = _packed(socket.AF_INET6, group, "group", "join_ssm_v6")
        s = _packed(socket.AF_INET6, source, "source", "join_ssm_v6")
        index = _check.uint(interface, 32, "interface", "join_ssm_v6")
        self._call(lambda h: _p.wl_join_ssm_v6(self._fd, g, s, index))

    def leave_ssm_v6(self: ProxyOptions[SocketAddrV6], group: str, source: str, interface: int = 0) -> None:
        """``MCAST_LEAVE_SOURCE_GROUP`` (RFC 3678)."""
        g = _packed(socket.AF_INET6, group, "group", "leave_ssm_v6")
        s = _packed(socket.AF_INET6, source, "source", "leave_ssm_v6")
        index = _check.uint(interface, 32, "interface", "leave_ssm_v6")
        self._call(lambda h: _p.wl_leave_ssm_v6(self._fd, g, s, index))

    def original_dst_v4(self: ProxyOptions[SocketAddrV4]) -> SocketAddrV4:
        """``SO_ORIGINAL_DST``: the destination of this accepted
        connection before a netfilter NAT rule (``REDIRECT``) rewrote it."""
        out = _ffi.wl_addr()
        self._call(lambda h: _p.wl_original_dst_v4(self._fd, ctypes.byref(out)))
        addr = from_wl(out)
        assert isinstance(addr, SocketAddrV4)
        return addr

    def original_dst_v6(self: ProxyOptions[SocketAddrV6]) -> SocketAddrV6:
        """``IP6T_SO_ORIGINAL_DST``: the IPv6 twin of :meth:`original_dst_v4`."""
        out = _ffi.wl_addr()
        self._call(lambda h: _p.wl_original_dst_v6(self._fd, ctypes.byref(out)))
        addr = from_wl(out)
        assert isinstance(addr, SocketAddrV6)
        return addr

    def tcp_saved_syn(self: ProxyOptions[SocketAddrV4] | ProxyOptions[SocketAddrV6]) -> bytes:
        """``TCP_SAVED_SYN`` (``tcp(7)``): the IP and TCP headers of the SYN
        that opened this accepted connection, after ``set_tcp_save_syn(True)``
        on the listener; ``b""`` when none is saved (it is handed out once)."""
        size = 256
        while True:
            buf = (c_uint8 * size)()
            n = self._call(lambda h: _p.wl_tcp_saved_syn(self._fd, buf, size))
            if n <= size:
                return bytes(buf[:n])
            size = n

    def attach_reuseport_cbpf(self: ProxyOptions[SocketAddrV4] | ProxyOptions[SocketAddrV6],
                              program: CbpfProgram) -> None:
        """``SO_ATTACH_REUSEPORT_CBPF`` (``socket(7)``): ``program`` picks
        the socket of this socket's ``SO_REUSEPORT`` group for each new
        connection or datagram. Attach it after the group is bound."""
        prog = _check.instance(program, CbpfProgram, "program", "attach_reuseport_cbpf")._insns
        self._call(lambda h: _p.wl_attach_reuseport_cbpf(self._fd, prog, len(prog)))

    def attach_filter(self, program: CbpfProgram) -> None:
        """``SO_ATTACH_FILTER`` (``socket(7)``): each packet is kept,
        truncated to the program's return value, or dropped at 0."""
        prog = _check.instance(program, CbpfProgram, "program", "attach_filter")._insns
        self._call(lambda h: _p.wl_attach_filter(self._fd, prog, len(prog)))

    def detach_filter(self) -> None:
        """``SO_DETACH_FILTER``: removes the filter (``ENOENT`` if none)."""
        self._call(lambda h: _p.wl_detach_filter(self._fd))
