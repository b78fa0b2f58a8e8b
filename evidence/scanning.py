"""ClamAV through clamd: the INSTREAM protocol over a socket, with no other dependency.

clamd is configured by ``CLAMD_SOCKET`` (a unix socket) or ``CLAMD_HOST`` and ``CLAMD_PORT``; with
neither, nothing is scanned (``configured()`` is false). The protocol: send ``zINSTREAM\\0``, then
the bytes as chunks each led by its length (4 bytes, big-endian), then a zero length; clamd answers
``stream: OK`` or ``stream: <signature> FOUND`` and closes. Any other answer (``... ERROR``, such as
a stream larger than clamd's ``StreamMaxLength``), a refused connection or a timeout is
``ScannerUnavailable``: the caller keeps the file unreleased until a later scan passes.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

_CHUNK = 64 * 1024
_MAX_REPLY = 4096


class ScannerUnavailable(Exception):
    """clamd is configured but did not give a verdict (unreachable, timed out, or an error)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    # The signature clamd found, e.g. "Eicar-Test-Signature"; empty when clean.
    signature: str = ""


def configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", 60))
    path = getattr(settings, "CLAMD_SOCKET", "")
    if path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection((settings.CLAMD_HOST, int(settings.CLAMD_PORT)), timeout=timeout)


def parse_reply(reply: bytes) -> ScanResult:
    """clamd's answer to INSTREAM as a verdict, or ``ScannerUnavailable`` for anything else."""
    text = reply.rstrip(b"\0\n").decode("utf-8", errors="replace").strip()
    if text == "stream: OK":
        return ScanResult(clean=True)
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        return ScanResult(clean=False, signature=text.removeprefix("stream: ").removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd answered {text[:200]!r}")


def scan_chunks(chunks: Iterable[bytes]) -> ScanResult:
    """Send the bytes to clamd and return its verdict; ``ScannerUnavailable`` without one."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), _CHUNK):
                    piece = chunk[start : start + _CHUNK]
                    if piece:
                        sock.sendall(struct.pack(">I", len(piece)) + piece)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < _MAX_REPLY:
                data = sock.recv(1024)
                if not data:
                    break
                reply += data
    except OSError as error:  # refused, reset, timed out, no such socket
        raise ScannerUnavailable(str(error)) from error
    return parse_reply(reply)


def ping() -> bool:
    """Whether clamd answers PING with PONG (for readiness checks)."""
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(64).rstrip(b"\0\n") == b"PONG"
    except OSError:
        return False
