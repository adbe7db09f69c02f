"""The Ray executor (models/executors/ray_executor.py) on a local cluster.

1. Overhead per run: Start → finished of the same small scikit-learn run through the
   Ray executor minus through warm local workers, both warm. Goal ≤ 1.5 s.
2. Scale-out: 8 equal 5-epoch MLP runs on two 1-CPU worker nodes ÷ on one. Goal ≤ 0.6.
   (Each node is a set of processes on this machine: with other work on the same cores
   the ratio says more about the machine than about Ray; the load average is printed.)
"""

from __future__ import annotations

import os
import sys
import time

from _common import temp_workspace
from _runs import median, run_once, specs, upload_table

from models.jobs import JobManager
from models.store import RunStore

OBJECT_STORE = 100 * 2**20


def overhead(cluster_address: str, rounds: int = 3) -> None:
    from models.executors.local import LocalExecutor
    from models.executors.ray_executor import RayExecutor

    store = RunStore(temp_workspace("ray-overhead"))
    forest = specs(upload_table(store))["forest"]
    walls = {}
    for name, executor in (
        ("local", LocalExecutor(str(store.workspace), 1)),
        ("ray", RayExecutor(str(store.workspace), address=cluster_address)),
    ):
        manager = JobManager(store, 1, embedding_service=False, executor=executor)
        try:
            run_once(manager, store, forest)  # warms the worker
            walls[name] = median([run_once(manager, store, forest)["wall"] for _ in range(rounds)])
        finally:
            manager.shutdown()
    print(f"forest Start→finished: local {walls['local']:.2f} s, Ray {walls['ray']:.2f} s")
    print(f"Ray executor overhead per run: {walls['ray'] - walls['local']:+.2f} s   (goal ≤ 1.5 s)")


def eight_runs(cluster_address: str) -> float:
    from models.executors.ray_executor import RayExecutor

    store = RunStore(temp_workspace("ray-scale"))
    mlp = specs(upload_table(store))["mlp"]
    executor = RayExecutor(str(store.workspace), address=cluster_address)
    manager = JobManager(store, 8, embedding_service=False, executor=executor)
    try:
        warm = [manager.submit(mlp) for _ in range(2)]  # each node imports TensorFlow once
        while any(store.get(r).active for r in warm):
            time.sleep(0.05)
        started = time.perf_counter()
        ids = [manager.submit(mlp) for _ in range(8)]
        while any(store.get(r).active for r in ids):
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        runs = [store.get(r) for r in ids]
        assert all(run.status == "succeeded" for run in runs)
        nodes = {run.node for run in runs}
        fits = [run.final_metrics["fit_seconds"] for run in runs]
        before = [(run.fit_started or run.started) - run.started for run in runs]
        print(
            f"  8 runs on {len(nodes)} node(s): {seconds:.1f} s; per run: fit "
            f"{median(fits):.2f} s, start → fit {median(before):.2f} s (medians)"
        )
        return seconds
    finally:
        manager.shutdown()


def main() -> None:
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        head_node_args={
            "num_cpus": 0,
            "object_store_memory": OBJECT_STORE,
            "include_dashboard": False,
        },
    )
    cluster.add_node(num_cpus=1, object_store_memory=OBJECT_STORE)
    cluster.wait_for_nodes()
    try:
        if "--scale-only" not in sys.argv:
            overhead(cluster.address)
        one = eight_runs(cluster.address)
        cluster.add_node(num_cpus=1, object_store_memory=OBJECT_STORE)
        cluster.wait_for_nodes()
        two = eight_runs(cluster.address)
        print(f"8 runs, 2 nodes ÷ 1 node: {two / one:.2f}   (goal ≤ 0.6)")
        print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    finally:
        ray.shutdown()
        cluster.shutdown()


if __name__ == "__main__":
    main()
