"""With the job queue on, sign-up and log-in attempts are counted in its Redis:
one AUTH_RATE_LIMIT across every API process (`serve --workers N`, every
replica), where memory would give each process a limit of its own."""

from typing import Any

from limits.aio.storage import RedisClusterStorage, RedisStorage
from redis.asyncio import Redis

from ...auth.rate_limits import AttemptLimiter
from ...config import Settings
from ...redis_topology import AsyncRedis, cluster_options


def shared_attempt_limiter(settings: Settings, redis: AsyncRedis) -> AttemptLimiter:
    """An AttemptLimiter on the connection pool of `redis` (the API's redis-py
    client, opened and closed with the app); under Redis Cluster, on a cluster
    client of its own on the same nodes (limits cannot share one)."""
    # The counters' keys start with the queue name: under Redis Cluster, its
    # hash tag puts them in the queue's slot.
    key_prefix = f"{settings.queue_name}:auth-attempts"
    # Passed on to redis-py's client as they are; limits types its options as
    # plain values only, a pool included.
    client_options: dict[str, Any]
    if not isinstance(redis, Redis):
        client_options = cluster_options(settings, {})
        nodes = ",".join(f"{host}:{port}" for host, port in settings.redis_cluster)
        cluster = RedisClusterStorage(
            f"async+redis+cluster://{nodes}",
            implementation="redispy",
            # Its errors as StorageError: AttemptLimiter then counts in memory.
            wrap_exceptions=True,
            key_prefix=key_prefix,
            **client_options,
        )
        return AttemptLimiter(settings.auth_rate_limit, shared=cluster)
    client_options = {"connection_pool": redis.connection_pool}
    storage = RedisStorage(
        # The pool decides where to connect; the URI only names the kind.
        "async+redis://",
        # limits' coredis support predates the coredis Streaq needs: redis-py.
        implementation="redispy",
        # Its errors as StorageError: AttemptLimiter then counts in memory.
        wrap_exceptions=True,
        key_prefix=key_prefix,
        **client_options,
    )
    return AttemptLimiter(settings.auth_rate_limit, shared=storage)
