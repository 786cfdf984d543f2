"""A real SMTP server on localhost for tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Received:
    """What the server was given: each message as parsed, with its envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@contextmanager
def local_smtp_server() -> Iterator[tuple[int, Received]]:
    """Start an SMTP server on a free localhost port; yield the port and what it receives."""
    received = Received()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def smtp_environment(port: int) -> dict[str, str]:
    """The workbench's mail settings for the local server."""
    return {
        "UE_SMTP_HOST": "127.0.0.1",
        "UE_SMTP_PORT": str(port),
        "UE_SMTP_FROM": "hub@workbench.example",
        "UE_PUBLIC_URL": "https://workbench.example/",
    }
