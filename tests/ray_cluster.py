"""A real Ray cluster on this machine: a head without CPUs and two one-CPU worker nodes.

Started once per test session (it takes seconds and a gigabyte), each node with its own
temporary folder, so runs see nothing of each other or of the app's workspace but what
travels through Ray. The head has no CPUs, so every run lands on a worker node, and the
app process (the test process) is a driver on the head, as an app on a cluster would be.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.conftest import require_package

OBJECT_STORE = 100 * 2**20  # Ray would otherwise reserve gigabytes of /dev/shm per node


@dataclass
class RayTestCluster:
    cluster: object
    workers: list = field(default_factory=list)
    folders: list = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.cluster.address

    def add_worker(self):
        folder = tempfile.mkdtemp(prefix="glassbox-ray-node-")
        node = self.cluster.add_node(num_cpus=1, object_store_memory=OBJECT_STORE, temp_dir=folder)
        self.workers.append(node)
        self.folders.append(folder)
        self.cluster.wait_for_nodes()
        return node

    def node_of(self, node_id_prefix: str):
        for node in self.workers:
            if node.node_id.startswith(node_id_prefix):
                return node
        raise LookupError(node_id_prefix)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayTestCluster]:
    ray = require_package("ray")  # pinned: skip locally, fail in CI
    from ray.cluster_utils import Cluster

    head_folder = tempfile.mkdtemp(prefix="glassbox-ray-head-")
    cluster = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 0,
            "object_store_memory": OBJECT_STORE,
            "include_dashboard": False,
            "temp_dir": head_folder,
        },
    )
    found = RayTestCluster(cluster)
    found.folders.append(head_folder)
    for _ in range(2):
        found.add_worker()
    try:
        yield found
    finally:
        ray.shutdown()
        cluster.shutdown()
