"""Three Redis Cluster primaries on free loopback ports, no replicas: the Cluster
topology, small enough for a test (the 16384 hash slots split in three)."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.network import free_port
from tests.tasks.support.sentinel_servers import start_server, wait_for_ping

PRIMARIES = 3
NODE_TIMEOUT_MILLISECONDS = 2000
READY_TIMEOUT_SECONDS = 30.0
MISSING_SERVER = (
    "the Cluster tests start redis-server and run redis-cli --cluster create: "
    "install them (apt-get install redis-server, brew install redis) or leave "
    'these tests out with -m "not ha"'
)


@dataclass
class ClusterTopology:
    ports: list[int]
    # The nodes talk to each other on these (by default, their port + 10000,
    # which may be taken or above 65535).
    bus_ports: list[int]
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def nodes(self) -> str:
        """REDIS_CLUSTER_NODES for these primaries."""
        return ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def cluster_is_ok(port: int) -> bool:
    try:
        with redis.Redis(port=port, decode_responses=True) as node:
            info = node.execute_command("CLUSTER", "INFO")
    except redis.RedisError:
        return False
    return "cluster_state:ok" in str(info)


def wait_until_ready(topology: ClusterTopology) -> None:
    """Until every node says the cluster is ok: each knows who serves each slot."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if all(cluster_is_ok(port) for port in topology.ports):
            return
        for port, process in topology.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"redis-server on port {port} exited at start")
        time.sleep(0.1)
    raise RuntimeError(f"the Redis Cluster was not ready in {READY_TIMEOUT_SECONDS} s")


@contextmanager
def cluster_topology(folder: Path) -> Iterator[ClusterTopology]:
    """Start the primaries in `folder` (their node files and logs), join them in
    one cluster, wait until it serves every slot, and kill them all at exit."""
    server = shutil.which("redis-server")
    client = shutil.which("redis-cli")
    if server is None or client is None:
        raise RuntimeError(MISSING_SERVER)
    topology = ClusterTopology(
        ports=[free_port() for _ in range(PRIMARIES)],
        bus_ports=[free_port() for _ in range(PRIMARIES)],
    )
    try:
        for port, bus_port in zip(topology.ports, topology.bus_ports, strict=True):
            arguments = [
                *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
                *("--cluster-enabled", "yes", "--cluster-port", str(bus_port)),
                *("--cluster-config-file", str(folder / f"nodes-{port}.conf")),
                *("--cluster-node-timeout", str(NODE_TIMEOUT_MILLISECONDS)),
                *("--save", "", "--appendonly", "no"),
            ]
            topology.processes[port] = start_server(
                server, arguments, folder / f"redis-{port}.log"
            )
        for port in topology.ports:
            wait_for_ping(port, topology.processes[port])
        subprocess.run(
            [
                client,
                "--cluster",
                "create",
                *(f"127.0.0.1:{port}" for port in topology.ports),
                *("--cluster-replicas", "0", "--cluster-yes"),
            ],
            check=True,
            capture_output=True,
            timeout=READY_TIMEOUT_SECONDS,
        )
        wait_until_ready(topology)
        yield topology
    finally:
        topology.stop()
