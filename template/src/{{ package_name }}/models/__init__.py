"""Beanie documents. Add new documents to DOCUMENT_MODELS so Beanie initialises them."""

from beanie import Document

from .user import User

DOCUMENT_MODELS: list[type[Document]] = [User]

__all__ = ["DOCUMENT_MODELS", "User"]
