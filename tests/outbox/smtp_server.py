"""A real SMTP server on 127.0.0.1 for the outbox tests: it either refuses every connection with
a 554 greeting (as a mail relay that is down or rejecting us does) or accepts mail and keeps it;
``stalled`` makes it hold every sender at DATA until released (a worker killed mid-send)."""

from __future__ import annotations

import email
import socketserver
import threading
import time
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: SMTPServer = self.server.owner  # type: ignore[attr-defined]
        server.connections += 1
        if server.refusing:
            self._reply("554 5.3.2 Service unavailable, try again later")
            return
        self._reply("220 localhost test SMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._reply("250 OK")
            elif verb == "DATA":
                # A stalled server holds the sender here, before the message is sent: a sender
                # that dies now has delivered nothing.
                server.stalled_senders += 1
                server.release.wait()
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line == b"":
                        return  # the sender went away mid-message: nothing was delivered
                    if line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                time.sleep(server.delay)
                server.received.append((sender, recipients, email.message_from_bytes(b"".join(lines))))
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")


class _TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A sender killed mid-conversation leaves a broken pipe: expected in the drills, not news.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SMTPServer:
    def __init__(self, *, refusing: bool, delay: float = 0.0, stalled: bool = False) -> None:
        self.refusing = refusing
        self.delay = delay
        # While ``release`` is not set, every sender waits at DATA (``stalled_senders`` counts them).
        self.release = threading.Event()
        if not stalled:
            self.release.set()
        self.stalled_senders = 0
        self.connections = 0
        self.received: list[tuple[str, list[str], Message]] = []
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def settings(self) -> dict[str, object]:
        """The Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 5,
        }
