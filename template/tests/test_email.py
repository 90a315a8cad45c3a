"""Email senders, including a real SMTP exchange with a server run by the test."""

import logging
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.smtp_server import CapturingHandler, free_port
from {{ package_name }}.config import EmailBackend, Settings
from {{ package_name }}.services.email import (
    ConsoleEmailSender,
    Email,
    EmailDeliveryError,
    InMemoryEmailSender,
    SmtpEmailSender,
    create_email_sender,
)
from {{ package_name }}.services.welcome import send_welcome_email
