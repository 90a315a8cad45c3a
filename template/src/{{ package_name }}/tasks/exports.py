"""`export_users`: a long job that publishes its progress (followed at
`GET /tasks/{task_id}/events`) and can be aborted (`DELETE /tasks/{task_id}`)."""

import csv
import io

import anyio

from ..config import get_settings
from ..models import User
from .machinery.progress import ProgressPublisher
from .worker import worker


@worker.task(timeout=get_settings().export_timeout_seconds)
async def export_users(batch_size: int = 100, pause_seconds: float = 0.0) -> str:
    """Export every user as CSV, batch by batch, publishing progress after each.

    `pause_seconds` between batches keeps a large export from crowding out the
    database for everyone else.
    """
    context = worker.context
    progress = ProgressPublisher(
        context.redis, context.settings.queue_name, export_users.context.task_id
    )
    total = await User.count()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "email", "name", "created_at"])
    await progress.publish(0, total, "export started")
    done = 0
    while done < total:
        batch = (
            await User.find_all()
            .sort("+created_at")
            .skip(done)
            .limit(batch_size)
            .to_list()
        )
        if not batch:
            break
        for user in batch:
            writer.writerow([user.id, user.email, user.name, user.created_at])
        done += len(batch)
        await progress.publish(done, total, f"exported {done} of {total} users")
        if done < total:
            await anyio.sleep(pause_seconds)
    await progress.publish(done, total, "export finished", final=True)
    return buffer.getvalue()
