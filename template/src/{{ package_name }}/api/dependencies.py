"""Request dependencies: what a route may ask FastAPI to hand it."""

from typing import Annotated, Any

from fastapi import Depends, Request

from ..config import Settings
from ..services.email import EmailSender


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Any:
    return request.app.state.database


def get_email_sender(request: Request) -> EmailSender:
    sender: EmailSender = request.app.state.email_sender
    return sender


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
DatabaseDep = Annotated[Any, Depends(get_database)]
EmailSenderDep = Annotated[EmailSender, Depends(get_email_sender)]
