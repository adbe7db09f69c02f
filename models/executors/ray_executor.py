"""Runs as Ray tasks: one task per run, with its CPU (and optional GPU) request.

The app process joins the cluster as a driver (GLASSBOX_RAY_ADDRESS: "auto" when this
machine is a node of the cluster, or the head's host:port). The code the workers need
(the data/ and models/ packages) travels as a Ray runtime environment; the Python
packages must be installed on every node. Progress and results come back through the
StoreWriter actor on this node (models/executors/ray_store.py), datasets through the
object store (models/executors/ray_datasets.py). Nothing here is imported unless
GLASSBOX_EXECUTOR=ray.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from models.executors.ray_datasets import DatasetDepot, materialise
from models.executors.ray_store import RemoteStore, StoreWriter, node_label


def connect(address: str) -> None:
    """Join the cluster once per process, shipping our own packages to its workers."""
    if ray.is_initialized():
        return
    if address.startswith("ray://"):
        raise ValueError(
            f"GLASSBOX_RAY_ADDRESS is a Ray Client address ({address}); Ray advises against "
            "it for training, and runs could not report back to this machine. Join this "
            "machine to the cluster (ray start --address=<head>:6379) and set "
            "GLASSBOX_RAY_ADDRESS=auto"
        )
    import data
    import models

    modules = [str(Path(package.__file__).parent) for package in (data, models)]
    try:
        ray.init(
            address=address,
            runtime_env={"py_modules": modules, "env_vars": {"TF_CPP_MIN_LOG_LEVEL": "3"}},
            log_to_driver=False,
            logging_level="WARNING",
        )
    except ConnectionError as error:
        raise ConnectionError(
            f"no Ray cluster answers at {address!r} ({error}). Start one with `ray start "
            "--head`, set GLASSBOX_RAY_ADDRESS to its address, or unset GLASSBOX_EXECUTOR "
            "to train on this machine"
        ) from error


def _node_workspace() -> Path:
    """This node's own folder for runs and datasets (never the app's workspace)."""
    node = ray.get_runtime_context().get_node_id()
    folder = Path(tempfile.gettempdir()) / f"glassbox-ray-{node[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _here() -> str:
    context = ray.get_runtime_context()
    return node_label(ray.util.get_node_ip_address(), context.get_node_id())


@ray.remote(max_retries=0)
def train_on_node(writer, run_id: str, dataset_ref: str, dataset_package: list) -> str:
    """The Ray task: the worker code of models/worker.py, reporting through the writer."""
    from models.executors.warm_worker import clear_state, configure_tensorflow, limit_threads
    from models.worker import execute

    cpus = int(ray.get_runtime_context().get_assigned_resources().get("CPU", 1) or 1)
    limit_threads(cpus)
    configure_tensorflow()
    workspace = _node_workspace()
    materialise(workspace, dataset_ref, dataset_package)
    store = RemoteStore(writer, workspace, _here())
    try:
        return execute(store, run_id)
    finally:
        clear_state()


class RayJob:
    """A run's task; reads like a process: alive until the task returns or dies."""

    def __init__(self, ref: ray.ObjectRef, run_id: str) -> None:
        self.ref, self.run_id = ref, run_id
        self._error: BaseException | None = None
        self._done = False

    def _check(self, timeout: float = 0) -> bool:
        if not self._done:
            ready, _ = ray.wait([self.ref], timeout=timeout)
            if ready:
                try:
                    ray.get(self.ref)
                except Exception as error:  # the task died: the run ends interrupted
                    self._error = error
                self._done = True
        return self._done

    @property
    def exitcode(self) -> int | None:
        if not self._check():
            return None
        return 0 if self._error is None else 1

    def is_alive(self) -> bool:
        return not self._check()

    def terminate(self) -> None:
        if not self._check():
            ray.cancel(self.ref, force=True)

    def join(self, timeout: float) -> None:
        self._check(timeout)

    def ended_how(self) -> str:
        error = self._error
        if isinstance(error, ray.exceptions.TaskCancelledError):
            return "the Ray task was stopped"
        if isinstance(error, ray.exceptions.NodeDiedError | ray.exceptions.WorkerCrashedError):
            return "the Ray node or worker training it died before the run finished"
        if error is not None:
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            return f"the Ray task ended without finishing its run ({first[:200]})"
        return "the Ray task ended without finishing its run"


class RayExecutor:
    """Sends each claimed run to the cluster; the job manager still decides how many."""

    name = "ray"

    def __init__(
        self,
        workspace: str,
        address: str = "auto",
        cpus_per_run: float | None = None,
        gpus_per_run: float | None = None,
    ) -> None:
        connect(address)
        self.address = address
        self.workspace = str(workspace)
        self.cpus = cpus_per_run or float(os.environ.get("GLASSBOX_RAY_CPUS_PER_RUN", "1"))
        self.gpus = gpus_per_run or float(os.environ.get("GLASSBOX_RAY_GPUS_PER_RUN", "0"))
        here = ray.get_runtime_context().get_node_id()
        self.writer = (
            ray.remote(StoreWriter)
            .options(
                num_cpus=0,
                scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=False),
            )
            .remote(self.workspace)
        )
        self.datasets = DatasetDepot(self.workspace)

    def describe(self) -> str:
        nodes = [node for node in ray.nodes() if node.get("Alive")]
        cpus = sum(node["Resources"].get("CPU", 0) for node in nodes)
        return f"Ray cluster at {self.address}: {len(nodes)} nodes, {cpus:g} CPUs"

    def start(self, run_id: str, target=None) -> RayJob:
        from models.store import RunStore

        run = RunStore(self.workspace).get(run_id)
        if run is None:
            raise ValueError(f"run {run_id} is gone")
        package = self.datasets.package(run.spec.dataset)
        ref = train_on_node.options(
            num_cpus=self.cpus,
            num_gpus=self.gpus,
            name=f"glassbox-run-{run_id}",
            # Runs are long and few: spread them over the nodes rather than packing a node
            # whose leased worker would take the queued runs one after another.
            scheduling_strategy="SPREAD",
        ).remote(self.writer, run_id, run.spec.dataset, package)
        return RayJob(ref, run_id)

    def set_concurrency(self, value: int) -> None:
        """The job manager's limit applies as it is; the cluster queues what exceeds its CPUs."""

    def shutdown(self) -> None:
        try:
            ray.kill(self.writer)
        except Exception:
            pass
