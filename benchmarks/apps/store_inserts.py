"""`python -m benchmarks.apps.store_inserts <package> <samples> <size>...`: time one
Beanie `User.insert()` into the generated app's embedded development store
(tinymongo, sqlite backend, opened by the project's own `open_database`) while
the users collection holds exactly `size` documents, and the same documents put
into a plain in-memory dict. Prints one JSON object of per-insert seconds.

Run in the generated project's venv with DATA_DIR pointing at a fresh folder
and ENVIRONMENT=development (the test environment would pick the memory store).
"""

import asyncio
import importlib
import json
import sys
import time
from typing import Any

# Stands in for an argon2 hash: the store stores a string of this shape, and
# hashing is not what these rows time.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$" + "a" * 22 + "$" + "b" * 43


class DictStore:
    """The least a store can do: keep the document's dump under a new id and
    refuse a second account per email (what the unique index guarantees)."""

    def __init__(self) -> None:
        self.documents: dict[Any, dict[str, Any]] = {}
        self.emails: set[str] = set()

    def insert(self, user: Any, new_id: Any) -> None:
        if user.email in self.emails:
            raise ValueError(f"duplicate email {user.email}")
        user.id = new_id
        self.documents[new_id] = user.model_dump(by_alias=True)
        self.emails.add(user.email)


async def measure(package: str, samples: int, sizes: list[int]) -> dict[str, Any]:
    config = importlib.import_module(f"{package}.config")
    db = importlib.import_module(f"{package}.db")
    models = importlib.import_module(f"{package}.models")
    from beanie import PydanticObjectId

    user_type = models.User
    serial = 0

    def new_user() -> Any:
        nonlocal serial
        serial += 1
        return user_type(
            email=f"user{serial}@example.com",
            name=f"User {serial}",
            password_hash=PASSWORD_HASH,
        )

    base = config.Settings()
    template: dict[str, list[float]] = {}
    baseline: dict[str, list[float]] = {}
    for size in sizes:
        # A fresh store per size: the collection holds exactly `size` documents.
        settings = base.model_copy(update={"data_dir": base.data_dir / f"n{size}"})
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        async with db.open_database(settings, warn_if_embedded=False) as database:
            await db.init_models(database)
            # One batch: tinymongo checks the unique index once per batch, not
            # once per document, so filling is quick.
            await user_type.insert_many([new_user() for _ in range(size)])
            times: list[float] = []
            # One untimed insert first (the store's first write after the fill).
            for attempt in range(samples + 1):
                user = new_user()
                started = time.perf_counter()
                await user.insert()
                elapsed = time.perf_counter() - started
                # Back to `size` documents before the next sample.
                await user.delete()
                if attempt:
                    times.append(elapsed)
            template[str(size)] = times
        store = DictStore()
        for _ in range(size):
            store.insert(new_user(), PydanticObjectId())
        times = []
        for _ in range(samples):
            user, new_id = new_user(), PydanticObjectId()
            started = time.perf_counter()
            store.insert(user, new_id)
            times.append(time.perf_counter() - started)
            del store.documents[new_id]
            store.emails.discard(user.email)
        baseline[str(size)] = times
    return {"template": template, "baseline": baseline}


def main(argv: list[str]) -> None:
    package, samples, *sizes = argv
    result = asyncio.run(measure(package, int(samples), [int(s) for s in sizes]))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
