"""Timestamps that stay in UTC on their way through the database."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """MongoDB stores UTC without a zone and hands back naive datetimes: say UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# A datetime read back from the database compares and serialises like the one
# written: timezone-aware, in UTC.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
