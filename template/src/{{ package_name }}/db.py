"""MongoDB access: Beanie on a real server, or on an embedded store without one."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from beanie import init_beanie
from pymongo import AsyncMongoClient

from .config import Environment, Settings
from .models import DOCUMENT_MODELS

logger = logging.getLogger(__name__)


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached or initialised."""


def embedded_store_location(settings: Settings) -> str:
    """Where the embedded store keeps data: memory for tests, a folder otherwise."""
    if settings.environment is Environment.TEST:
        return "memory"
    return str(settings.data_dir.resolve())


@asynccontextmanager
async def open_database(
    settings: Settings, *, warn_if_embedded: bool = True
) -> AsyncIterator[Any]:
    """Yield the database named by the settings and close its client afterwards.

    The yielded object is a pymongo ``AsyncDatabase`` or tinymongo's look-alike;
    both are what ``init_beanie`` accepts. Without MONGODB_URL a warning says where
    the embedded store keeps its data, unless `warn_if_embedded` is off.
    """
    client: Any
    if settings.mongodb_url is not None:
        client = AsyncMongoClient(
            settings.mongodb_url.get_secret_value(),
            serverSelectionTimeoutMS=int(settings.mongodb_timeout_seconds * 1000),
        )
    else:
        # Imported here: its storage backends take about a second to import, which
        # every command and health check would pay even with MONGODB_URL set.
        import tinymongo

        location = embedded_store_location(settings)
        # Where the data lives decides who else sees it: the warning says so.
        if location == "memory":
            client = tinymongo.AsyncMongoClient(backend="memory")
            reach = "in this process's memory only"
        else:
            client = tinymongo.AsyncMongoClient(
                backend="sqlite", tinymongo_folder=location
            )
            reach = f"in {location}, shared only by processes on this machine"
        if warn_if_embedded:
            logger.warning(
                "MONGODB_URL is not set: using the embedded development store "
                "(data %s). It is for trying the service out: writes slow down "
                "as a collection grows (each insert checks every stored document "
                "against the unique indexes), and it has no transactions, bulk "
                "writes, $unwind or Link. Set MONGODB_URL to use MongoDB.",
                reach,
            )
    try:
        yield client[settings.mongodb_database]
    finally:
        await client.close()


async def init_models(database: Any) -> None:
    """Bind the Beanie documents to ``database`` and create their indexes."""
    try:
        await init_beanie(database=database, document_models=DOCUMENT_MODELS)
    except Exception as error:
        raise DatabaseUnavailableError(
            f"could not initialise MongoDB ({type(error).__name__}: {error}); "
            "check MONGODB_URL and that the server is running"
        ) from error


class DocumentBinding:
    """Binds the Beanie documents to a database once it answers.

    The API starts even while MongoDB is down (it reports not ready and answers
    503) and binds on the first request after MongoDB comes back.
    """

    def __init__(self, database: Any) -> None:
        self.database = database
        self.bound = False
        self._lock = anyio.Lock()

    async def ensure_bound(self) -> None:
        """Bind now unless already bound; raise DatabaseUnavailableError if it fails."""
        if self.bound:
            return
        async with self._lock:
            if not self.bound:
                await init_models(self.database)
                self.bound = True


async def ping(database: Any) -> None:
    """Raise when the database does not answer a ping."""
    await database.command("ping")
