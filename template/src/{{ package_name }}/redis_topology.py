"""Which Redis the queue uses, and the one place every Redis client is made.

Three topologies, chosen by the settings (config.py):

- one server at REDIS_URL (the default);
- Sentinel: REDIS_SENTINEL_NODES lists the sentinels, which name the current
  primary of REDIS_SENTINEL_MASTER. Every client asks them where the primary is
  when it connects, so after a failover new connections reach the new primary
  without a restart.
- Redis Cluster: REDIS_CLUSTER_NODES lists some of its nodes; the clients learn
  from them which primary serves which hash slot. QUEUE_NAME must then hold a
  hash tag (config.py), which puts every key of the queue in one slot.

Streaq's worker and producer, the API's redis-py client (progress events, shared
rate limits), the worker health check and the worker's own start-up probes all
build their connection here; another topology is added here alone.

Like worker_health.py, this module imports only the `redis` client and the
settings: the container healthcheck imports it.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import redis
import redis.asyncio
import redis.asyncio.cluster
import redis.asyncio.sentinel
import redis.cluster
import redis.sentinel
from pydantic import SecretStr

from .config import Settings

# Streaq's `redis_kwargs` (coredis) that also apply to the sentinels themselves:
# coredis copies them only when no `sentinel_kwargs` are given.
SENTINEL_SHARED_OPTIONS = ("connect_timeout", "stream_timeout")
# redis-py's client options that also apply to the sentinels.
SENTINEL_SHARED_REDIS_PY_OPTIONS = ("socket_connect_timeout", "socket_timeout")

# The clients `sync_redis` and `async_redis` give: a cluster client has the same
# commands (those on keys route to the node serving the key's slot).
SyncRedis = redis.Redis | redis.cluster.RedisCluster
AsyncRedis = redis.asyncio.Redis | redis.asyncio.cluster.RedisCluster


def uses_sentinel(settings: Settings) -> bool:
    return bool(settings.redis_sentinel_nodes)


def uses_cluster(settings: Settings) -> bool:
    return bool(settings.redis_cluster_nodes)


def redis_settings_named(settings: Settings) -> str:
    """The settings that say where Redis is, for messages that ask to check them."""
    if uses_sentinel(settings):
        return "REDIS_SENTINEL_NODES and REDIS_SENTINEL_MASTER"
    if uses_cluster(settings):
        return "REDIS_CLUSTER_NODES"
    return "REDIS_URL"


def secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value() or None


def streaq_connection(
    settings: Settings, redis_kwargs: dict[str, Any]
) -> dict[str, Any]:
    """Streaq `Worker(...)` keyword arguments that connect it to the queue's Redis,
    `redis_kwargs` (coredis client options such as timeouts) included."""
    if uses_cluster(settings):
        # Streaq builds a coredis RedisCluster on these nodes, `redis_kwargs` its
        # options for every node.
        return {
            "cluster_nodes": settings.redis_cluster,
            "redis_kwargs": cluster_options(settings, redis_kwargs),
        }
    if not uses_sentinel(settings):
        return {
            "redis_url": settings.redis_url.get_secret_value(),
            "redis_kwargs": redis_kwargs,
        }
    to_sentinels, to_primary = sentinel_options(
        settings, redis_kwargs, SENTINEL_SHARED_OPTIONS
    )
    return {
        "sentinel_nodes": settings.redis_sentinels,
        "sentinel_master": settings.redis_sentinel_master,
        "sentinel_kwargs": to_sentinels,
        "redis_kwargs": to_primary,
    }


def sentinel_options(
    settings: Settings, options: dict[str, Any], shared: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The client options for the sentinels (those of `options` named in
    `shared`, and their password), and for the primary (its password added)."""
    to_sentinels = {name: options[name] for name in shared if name in options}
    if sentinel_password := secret(settings.redis_sentinel_password):
        to_sentinels["password"] = sentinel_password
    to_primary = dict(options)
    if data_password := secret(settings.redis_sentinel_data_password):
        to_primary["password"] = data_password
    return to_sentinels, to_primary


def cluster_options(settings: Settings, options: dict[str, Any]) -> dict[str, Any]:
    """`options` for every node of the cluster, its password added."""
    if password := secret(settings.redis_cluster_password):
        return {**options, "password": password}
    return dict(options)


@contextmanager
def sync_redis(settings: Settings, **options: Any) -> Iterator[SyncRedis]:
    """A redis-py client on the primary (`options` as `redis.Redis` takes them),
    closed at exit, the sentinels' connections included; under Redis Cluster, a
    cluster client on its primaries."""
    if uses_cluster(settings):
        cluster = redis.cluster.RedisCluster(
            startup_nodes=[
                redis.cluster.ClusterNode(host, port)  # type: ignore[no-untyped-call]
                for host, port in settings.redis_cluster
            ],
            **cluster_options(settings, options),
        )
        with cluster as client:
            yield client
        return
    if not uses_sentinel(settings):
        with redis.Redis.from_url(
            settings.redis_url.get_secret_value(), **options
        ) as client:
            yield client
        return
    to_sentinels, to_primary = sentinel_options(
        settings, options, SENTINEL_SHARED_REDIS_PY_OPTIONS
    )
    sentinel = redis.sentinel.Sentinel(  # type: ignore[no-untyped-call]
        settings.redis_sentinels, sentinel_kwargs=to_sentinels
    )
    try:
        primary = sentinel.master_for(  # type: ignore[no-untyped-call]
            settings.redis_sentinel_master, **to_primary
        )
        with primary as client:
            yield client
    finally:
        for node in sentinel.sentinels:
            node.close()


@asynccontextmanager
async def async_redis(settings: Settings, **options: Any) -> AsyncIterator[AsyncRedis]:
    """An asyncio redis-py client on the primary, closed at exit (the sentinels'
    connections included). Under Sentinel each new connection asks where the
    primary is: after a failover the client follows it. Under Redis Cluster, a
    cluster client (`max_connections` is then per node)."""
    if uses_cluster(settings):
        async with async_cluster(settings, options) as client:
            yield client
        return
    if not uses_sentinel(settings):
        async with redis.asyncio.Redis.from_url(
            settings.redis_url.get_secret_value(), **options
        ) as client:
            yield client
        return
    to_sentinels, to_primary = sentinel_options(
        settings, options, SENTINEL_SHARED_REDIS_PY_OPTIONS
    )
    sentinel = redis.asyncio.sentinel.Sentinel(  # type: ignore[no-untyped-call]
        settings.redis_sentinels, sentinel_kwargs=to_sentinels
    )
    try:
        async with sentinel.master_for(
            settings.redis_sentinel_master, **to_primary
        ) as client:
            yield client
    finally:
        for node in sentinel.sentinels:
            await node.aclose()


async def current_primary(settings: Settings) -> str | None:
    """Under Sentinel, the primary's host:port as the sentinels name it now
    (raises a redis error when none answers); None for one server."""
    if not uses_sentinel(settings):
        return None
    to_sentinels, _ = sentinel_options(
        settings,
        {"socket_connect_timeout": 2.0, "socket_timeout": 2.0},
        SENTINEL_SHARED_REDIS_PY_OPTIONS,
    )
    sentinel = redis.asyncio.sentinel.Sentinel(  # type: ignore[no-untyped-call]
        settings.redis_sentinels, sentinel_kwargs=to_sentinels
    )
    try:
        host, port = await sentinel.discover_master(settings.redis_sentinel_master)
    finally:
        for node in sentinel.sentinels:
            await node.aclose()
    return f"{host}:{port}"


async def cluster_primaries(settings: Settings) -> int:
    """How many primaries serve the cluster's hash slots now (raises a redis
    error when no node answers)."""
    timeouts = {"socket_connect_timeout": 2.0, "socket_timeout": 2.0}
    async with async_cluster(settings, timeouts) as client:
        return len(client.get_primaries())


def async_cluster(
    settings: Settings, options: dict[str, Any]
) -> redis.asyncio.cluster.RedisCluster:
    """An asyncio cluster client on REDIS_CLUSTER_NODES; `async with` it."""
    return redis.asyncio.cluster.RedisCluster(
        startup_nodes=[
            redis.asyncio.cluster.ClusterNode(host, port)
            for host, port in settings.redis_cluster
        ],
        **cluster_options(settings, options),
    )
