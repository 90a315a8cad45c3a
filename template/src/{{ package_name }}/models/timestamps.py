"""Timestamps that stay in UTC on their way through the database."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def utc_now() -> datetime:
    return as_utc(datetime.now(UTC))


def as_utc(moment: datetime) -> datetime:
    """The moment as MongoDB keeps it: in UTC, to the millisecond.

    MongoDB stores UTC without a zone, hands back naive datetimes, and drops
    microseconds; a value made this way reads back equal.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


# A datetime that reads back from the database equal to the one written:
# timezone-aware, in UTC, to the millisecond.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
