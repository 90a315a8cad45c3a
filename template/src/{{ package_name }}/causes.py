"""What went wrong, in words for a person: the error inside the wrappers, shortened
(or whole, with what caused it, for the log)."""

# Driver messages can list a whole cluster topology; a person needs the start.
MAX_CAUSE_LENGTH = 200


def innermost_error(error: BaseException) -> BaseException:
    """The first leaf of an exception group: the error worth showing a person."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def describe(error: BaseException) -> str:
    """`Type: message` of the innermost error, at most MAX_CAUSE_LENGTH characters."""
    cause = innermost_error(error)
    text = f"{type(cause).__name__}: {cause}"
    if len(text) > MAX_CAUSE_LENGTH:
        text = text[: MAX_CAUSE_LENGTH - 3] + "..."
    return text


# Enough to reach the driver's error through a library's wrappers.
MAX_CHAIN_LENGTH = 5


def cause_chain(error: BaseException) -> str:
    """`Type: message` of the innermost error, untruncated, then of each error
    it came from (`raise ... from`, or raised while handling): for the log."""
    links: list[str] = []
    current: BaseException | None = error
    while current is not None and len(links) < MAX_CHAIN_LENGTH:
        cause = innermost_error(current)
        links.append(f"{type(cause).__name__}: {cause}")
        current = cause.__cause__ or cause.__context__
    return " <- from ".join(links)
