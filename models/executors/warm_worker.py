"""The loop a warm worker process runs: take a run, train it, clear up, wait for the next.

Spawned (never forked: TensorFlow hangs after a fork), so this module imports nothing
heavy at the top. The first run a worker gets is started at once, importing only what
it needs; while the worker then waits it imports the rest of the stack, so later runs
find TensorFlow and scikit-learn loaded. Between runs Keras forgets its models and
layer names, as a fresh process would.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from multiprocessing.connection import Connection

# What every run needs sooner or later; imported while the worker has nothing to do.
PRELOAD = (
    "numpy",
    "pandas",
    "sklearn.ensemble",
    "sklearn.linear_model",
    "data.registry",
    "models.artifacts",
    "models.metrics",
    "tensorflow",
    "keras",
    "models.keras_training",
)


def limit_threads(threads: int) -> None:
    """Workers sharing the cores split them instead of each spinning up one thread per core.

    Set before numpy or TensorFlow start their pools; TensorFlow's own setting follows in
    `configure_tensorflow` once it is imported.
    """
    if threads <= 0:
        return
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    os.environ["GLASSBOX_WORKER_THREADS"] = str(threads)


def configure_tensorflow() -> None:
    """TensorFlow's thread pools sized to this worker's share, before its first op."""
    threads = int(os.environ.get("GLASSBOX_WORKER_THREADS", "0") or 0)
    if threads <= 0 or "tensorflow" not in sys.modules:
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(max(2, threads))
    except RuntimeError:  # already initialised by an earlier run: the setting stands
        pass


def warm_up(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import the stack, then freeze what exists: a full garbage collection after a run
    then walks only that run's objects, not TensorFlow's hundreds of thousands."""
    fresh = [name for name in modules if name not in sys.modules]
    for name in fresh:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        if name == "tensorflow":
            configure_tensorflow()
    if fresh:
        gc.collect()
        gc.freeze()


def clear_state() -> None:
    """What one run leaves behind that the next must not see: Keras graphs and names.

    Without the garbage collection Keras would add: after a TensorFlow run it takes
    seconds, and the next run would wait for it. `collect_while_idle` does it instead.
    """
    if "keras" in sys.modules:
        import keras

        keras.backend.clear_session(free_memory=False)


def collect_while_idle(conn: Connection) -> None:
    """Free the last run's memory unless the next run is already waiting."""
    if not conn.poll(0.05):
        gc.collect()


def _rss() -> int:
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except Exception:
        return 0


def serve(conn: Connection, threads: int, preload: tuple[str, ...]) -> None:
    """Run what arrives on `conn` until it closes or says None; answer each with its end."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    limit_threads(threads)
    served = False
    while True:
        if served or not conn.poll(0):
            # Only a first run waiting at the start goes ahead of the imports; every later run
            # finds the whole stack loaded (a no-op once done).
            warm_up(preload)
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the app is gone
        if message is None:
            return
        target, workspace, run_id = message
        served = True
        code = 0
        try:
            configure_tensorflow()
            target(workspace, run_id)
        except Exception:
            code = 1
        finally:
            clear_state()
        try:
            conn.send((run_id, code, _rss()))
        except (BrokenPipeError, OSError):
            return  # nobody to report to: the app was killed; the run itself is recorded
        collect_while_idle(conn)
