"""Find the client socket of the request being served, to close it without an answer.

werkzeug hands it over (``environ["werkzeug.socket"]``). granian does not: its WSGI interface has no
way to abort a connection — an exception from the app becomes ``500`` with an empty body, and an
exception from the body iterator ends the stream after hyper may already have flushed the status
line and headers (measured: 18 of 20 requests saw ``200`` and a truncated body). So on granian the
socket is looked up in the worker's open descriptors (Linux: ``/proc/self/fd``, ``TCP_INFO``): an
established TCP socket whose local port is ``SERVER_PORT`` and whose peer is ``REMOTE_ADDR`` (granian
gives no client port), waiting for an answer — it received data more recently than it sent any
(``last_data_recv`` < ``last_data_sent``), unlike an idle keep-alive connection; these clocks tick in
jiffies (1-10 ms), so a connection whose request came in the same tick as its previous answer counts
only when no other one matches. ``shutdown`` on a duplicate of that descriptor ends the connection
itself: the client reads end-of-stream before any byte of an answer. When no single socket matches
(another request in flight from the same address at the same time, or no ``/proc``), ``None``: the
caller falls back to aborting the body.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from typing import Any

_PROC_FDS = "/proc/self/fd"
# struct tcp_info (linux/tcp.h): 8 one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked,
# lost, retrans, fackets, last_data_sent (byte 44), last_ack_sent, last_data_recv (byte 52).
_TCP_INFO_LEN = 56
_LAST_DATA_SENT, _LAST_DATA_RECV = 44, 52
_TCP_ESTABLISHED = 1  # tcpi_state, byte 0


def client_socket(environ: dict[str, Any]) -> socket.socket | None:
    """The socket of this request's connection (a duplicate the caller must close), or ``None``."""
    werkzeug_socket = environ.get("werkzeug.socket")
    if werkzeug_socket is not None:
        return socket.socket(fileno=os.dup(werkzeug_socket.fileno()))
    try:
        port = int(environ.get("SERVER_PORT", ""))
    except ValueError:
        return None
    peer = str(environ.get("REMOTE_ADDR", ""))
    try:
        fds = [int(name) for name in os.listdir(_PROC_FDS)]
    except OSError:
        return None
    waiting: list[socket.socket] = []  # received after the last send
    tied: list[socket.socket] = []  # received and sent in the same clock tick
    seen: set[Any] = set()  # one connection may be under two numbers (a number freed and reused meanwhile)
    for fd in fds:
        candidate = _candidate(fd, port, peer)
        if candidate is None:
            continue
        sock, received, sent = candidate
        if sock.getpeername() in seen:
            sock.close()
            continue
        seen.add(sock.getpeername())
        if received < sent:
            waiting.append(sock)
        elif received == sent:
            tied.append(sock)
        else:  # idle: answered after its last request
            sock.close()
    chosen = waiting if waiting else tied
    if len(chosen) == 1:
        others = [sock for sock in waiting + tied if sock is not chosen[0]]
        result: socket.socket | None = chosen[0]
    else:
        others, result = waiting + tied, None
    for sock in others:
        sock.close()
    return result


def _candidate(fd: int, port: int, peer: str) -> tuple[socket.socket, int, int] | None:
    """A duplicate of ``fd`` if it is an established connection from ``peer`` to ``port``, with
    milliseconds since it last received and last sent data."""
    try:
        if not os.readlink(f"{_PROC_FDS}/{fd}").startswith("socket:"):
            return None
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return None
    try:
        if sock.type == socket.SOCK_STREAM and sock.family in (socket.AF_INET, socket.AF_INET6):
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_LEN)
            if info[0] == _TCP_ESTABLISHED:
                local, remote = sock.getsockname(), sock.getpeername()
                if local[1] == port and _same_host(remote[0], peer):
                    (sent,) = struct.unpack_from("I", info, _LAST_DATA_SENT)
                    (received,) = struct.unpack_from("I", info, _LAST_DATA_RECV)
                    return sock, received, sent
    except (OSError, AttributeError, struct.error):  # the listener, no TCP_INFO on this system
        pass
    sock.close()
    return None


def _same_host(address: str, peer: str) -> bool:
    return address == peer or address.removeprefix("::ffff:") == peer


def shut(sock: socket.socket) -> None:
    """End the connection both ways (for every descriptor of it), then close this duplicate."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
