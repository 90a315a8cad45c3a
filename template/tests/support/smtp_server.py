"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives.

Tests can make it refuse a recipient's next messages (451, a temporary failure)
or hold a delivery open, as a slow or failing mail server would.
"""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.support.network import free_port


@dataclass(frozen=True)
class ReceivedEmail:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class CapturingHandler:
    """aiosmtpd handler: records every message in `received` and accepts it,
    unless told to refuse or hold messages to a recipient."""

    received: list[ReceivedEmail] = field(default_factory=list)
    refusals_left: dict[str, int] = field(default_factory=dict)
    holds: dict[str, threading.Event] = field(default_factory=dict)

    def refuse(self, recipient: str, times: int) -> None:
        """Answer the next `times` messages to `recipient` with 451 (try later)."""
        self.refusals_left[recipient] = times

    def hold(self, recipient: str) -> threading.Event:
        """Record messages to `recipient` but answer only once the event is set."""
        release = threading.Event()
        self.holds[recipient] = release
        return release

    def messages_to(self, recipient: str) -> list[ReceivedEmail]:
        return [email for email in self.received if recipient in email.recipients]

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        recipients = list(envelope.rcpt_tos)
        for recipient in recipients:
            if self.refusals_left.get(recipient, 0) > 0:
                self.refusals_left[recipient] -= 1
                return "451 4.3.0 Mailbox busy, try again later"
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.received.append(
            ReceivedEmail(
                sender=str(envelope.mail_from),
                recipients=recipients,
                message=message_from_bytes(
                    raw, _class=EmailMessage, policy=policy.default
                ),
            )
        )
        for recipient in recipients:
            if (release := self.holds.get(recipient)) is not None:
                # The test releases from its own thread: poll the threading.Event.
                while not release.is_set():  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@contextmanager
def running_smtp_server() -> Iterator[tuple[str, int, CapturingHandler]]:
    """A server on a free loopback port: (host, port, handler holding what arrived)."""
    handler = CapturingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield "127.0.0.1", controller.port, handler
    finally:
        controller.stop()
