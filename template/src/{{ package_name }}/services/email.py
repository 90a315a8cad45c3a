"""Email senders: console (development), SMTP (production) and in-memory (tests)."""

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import anyio.to_thread

from ..config import EmailBackend, Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


class EmailSender(Protocol):
    async def send(self, email: Email) -> None: ...


class EmailDeliveryError(RuntimeError):
    """The email could not be handed to the mail server."""


@dataclass
class ConsoleEmailSender:
    """Logs each email instead of sending it: the development default."""

    sender: str

    async def send(self, email: Email) -> None:
        logger.info(
            "Email from %s to %s: %s\n%s",
            self.sender,
            email.to,
            email.subject,
            email.body,
        )


@dataclass
class InMemoryEmailSender:
    """Keeps sent emails in `outbox` so tests can read them."""

    outbox: list[Email] = field(default_factory=list)

    async def send(self, email: Email) -> None:
        self.outbox.append(email)


@dataclass
class SmtpEmailSender:
    """Sends through an SMTP server; smtplib blocks, so it runs in a thread."""

    sender: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0

    async def send(self, email: Email) -> None:
        await anyio.to_thread.run_sync(self._send_blocking, email)

    def _send_blocking(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message.set_content(email.body)
        try:
            with smtplib.SMTP(
                self.host, self.port, timeout=self.timeout_seconds
            ) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise EmailDeliveryError(
                f"could not send email via SMTP {self.host}:{self.port}: {error}"
            ) from error


def create_email_sender(settings: Settings) -> EmailSender:
    """The sender the settings ask for (see `Settings.effective_email_backend`)."""
    backend = settings.effective_email_backend
    if backend is EmailBackend.MEMORY:
        return InMemoryEmailSender()
    if backend is EmailBackend.CONSOLE:
        return ConsoleEmailSender(sender=settings.email_from)
    return SmtpEmailSender(
        sender=settings.email_from,
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=(
            settings.smtp_password.get_secret_value()
            if settings.smtp_password
            else None
        ),
        starttls=settings.smtp_starttls,
        timeout_seconds=settings.smtp_timeout_seconds,
    )
