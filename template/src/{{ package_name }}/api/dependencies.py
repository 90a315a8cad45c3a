"""Request dependencies: what a route may ask FastAPI to hand it."""

from typing import Annotated

from fastapi import Depends, Request

from ..db import DocumentBinding
from ..services.email import EmailSender


async def require_documents(request: Request) -> None:
    """Routes that read or write documents need them bound to a reachable database;
    when it is not, the request fails with 503 (see errors.py)."""
    binding: DocumentBinding = request.app.state.documents
    await binding.ensure_bound()


def get_email_sender(request: Request) -> EmailSender:
    """The email sender `create_app` was given or built from the settings."""
    sender: EmailSender = request.app.state.email_sender
    return sender


EmailSenderDep = Annotated[EmailSender, Depends(get_email_sender)]
