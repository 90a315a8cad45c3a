"""Request dependencies: what a route may ask FastAPI to hand it."""

from typing import Annotated, Any

from fastapi import Depends, Request

from ..services.email import EmailSender


def get_database(request: Request) -> Any:
    """The database the app's lifespan opened (or the one a test injected)."""
    return request.app.state.database


def get_email_sender(request: Request) -> EmailSender:
    """The email sender `create_app` was given or built from the settings."""
    sender: EmailSender = request.app.state.email_sender
    return sender


DatabaseDep = Annotated[Any, Depends(get_database)]
EmailSenderDep = Annotated[EmailSender, Depends(get_email_sender)]
