"""A real SMTP server (aiosmtpd) on a free loopback port that keeps what it receives."""

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedEmail:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class CapturingHandler:
    """aiosmtpd handler: accepts every message and records it in `received`."""

    received: list[ReceivedEmail] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.received.append(
            ReceivedEmail(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                message=message_from_bytes(
                    raw, _class=EmailMessage, policy=policy.default
                ),
            )
        )
        return "250 Message accepted for delivery"
