"""A Redis primary, two replicas and three sentinels on free loopback ports: the
Sentinel topology, small enough for a test and quick to fail over (a node is
called down after DOWN_AFTER_MILLISECONDS without an answer)."""

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.network import free_port
from tests.tasks.support.redis_server import answers_ping

MASTER_NAME = "queue-primary"
QUORUM = 2
# Sentinel's own example value. At 1000 ms a loaded machine saw the sentinel
# that had just promoted a replica call it down a second later (its fresh link
# had no reply yet) and fail over again, to the other replica.
DOWN_AFTER_MILLISECONDS = 5000
FAILOVER_TIMEOUT_MILLISECONDS = 5000
READY_TIMEOUT_SECONDS = 30.0
MISSING_SERVER = (
    "the Sentinel tests start redis-server (primary, replicas and sentinels): "
    "install it (apt-get install redis-server, brew install redis) or leave "
    'these tests out with -m "not ha"'
)


@dataclass
class SentinelTopology:
    """The processes by role; `primary_port` is the primary it started with."""

    primary_port: int
    replica_ports: list[int]
    sentinel_ports: list[int]
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def nodes(self) -> str:
        """REDIS_SENTINEL_NODES for these sentinels."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def kill(self, port: int) -> None:
        """SIGKILL the server on `port`: no goodbye to its clients or replicas."""
        self.processes[port].send_signal(signal.SIGKILL)
        self.processes[port].wait(timeout=10)

    def named_primary(self) -> tuple[str, int] | None:
        """The primary the first sentinel that answers names now."""
        for port in self.sentinel_ports:
            try:
                with redis.Redis(
                    port=port, socket_timeout=1, decode_responses=True
                ) as sentinel:
                    address = sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)
            except redis.RedisError:
                continue
            if address:
                return str(address[0]), int(address[1])
        return None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def start_server(
    executable: str, arguments: list[str], log_path: Path
) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [executable, *arguments], stdout=log, stderr=subprocess.STDOUT
        )


def sentinel_config(port: int, primary_port: int, folder: Path) -> str:
    return "\n".join(
        [
            f"port {port}",
            "bind 127.0.0.1",
            f"dir {folder}",
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {primary_port} {QUORUM}",
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MILLISECONDS}",
            f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MILLISECONDS}",
            f"sentinel parallel-syncs {MASTER_NAME} 1",
            "",
        ]
    )


def wait_until_ready(topology: SentinelTopology) -> None:
    """Until both replicas copy the primary and every sentinel knows the
    replicas and the other sentinels (before that, no failover could happen)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if ready(topology):
            return
        for port, process in topology.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"redis-server on port {port} exited at start")
        time.sleep(0.1)
    raise RuntimeError(
        f"the Sentinel topology was not ready in {READY_TIMEOUT_SECONDS} s"
    )


def ready(topology: SentinelTopology) -> bool:
    try:
        for port in topology.replica_ports:
            with redis.Redis(port=port, decode_responses=True) as replica:
                if replica.info("replication").get("master_link_status") != "up":
                    return False
        for port in topology.sentinel_ports:
            with redis.Redis(port=port, decode_responses=True) as sentinel:
                replicas = sentinel.execute_command("SENTINEL", "REPLICAS", MASTER_NAME)
                others = sentinel.execute_command("SENTINEL", "SENTINELS", MASTER_NAME)
                if (
                    len(replicas) < len(topology.replica_ports)
                    or len(others) < len(topology.sentinel_ports) - 1
                ):
                    return False
    except redis.RedisError:
        return False
    return True


@contextmanager
def sentinel_topology(folder: Path) -> Iterator[SentinelTopology]:
    """Start the six servers in `folder` (their configs and logs), wait until a
    failover would work, and kill them all at exit."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError(MISSING_SERVER)
    topology = SentinelTopology(
        primary_port=free_port(),
        replica_ports=[free_port(), free_port()],
        sentinel_ports=[free_port(), free_port(), free_port()],
    )
    in_memory = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    try:
        for port in [topology.primary_port, *topology.replica_ports]:
            arguments = ["--port", str(port), *in_memory, "--dir", str(folder)]
            if port != topology.primary_port:
                arguments += ["--replicaof", "127.0.0.1", str(topology.primary_port)]
            topology.processes[port] = start_server(
                executable, arguments, folder / f"redis-{port}.log"
            )
        for port in [topology.primary_port, *topology.replica_ports]:
            wait_for_ping(port, topology.processes[port])
        for port in topology.sentinel_ports:
            # Sentinel rewrites its config file as it learns: one each, writable.
            config = folder / f"sentinel-{port}.conf"
            config.write_text(sentinel_config(port, topology.primary_port, folder))
            topology.processes[port] = start_server(
                executable, [str(config), "--sentinel"], folder / f"sentinel-{port}.log"
            )
        wait_until_ready(topology)
        yield topology
    finally:
        topology.stop()


def wait_for_ping(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if answers_ping(port):
            return
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not start on port {port}")
