"""Training speed through the job system ÷ bare `model.fit` on the same model and data.

Both sides train the same MLP on the same preprocessed digits table with the same
epochs, batch size and validation data; the job side is a real warm worker, as
the app's, that writes every epoch to the run store. Its first run, which pays the
spawn and the TensorFlow import, is timed apart, as the bare side's first fit is
left out. Twelve rounds, bare and job alternating; the figure is the median of the
rounds' ratios, as one round's two sides met the same spell of this shared machine
(a single fit's speed here swings by ±20 % from one round to the next).
Goal: ratio ≥ 0.95.
"""

from __future__ import annotations

import time

from _common import temp_workspace

from data.registry import load_dataset
from models.jobs import JobManager
from models.spec import RunSpec
from models.store import RunStore

PARAMS = {
    "epochs": 15,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "validation_split": 0.2,
    "dropout": 0.1,
    "hidden_layers": 2,
    "hidden_units": 128,
}


def bare_fit_samples_per_s(spec: RunSpec) -> float:
    from models import keras_training as keras_common
    from models.registry import get_kind
    from models.tabular.prep import prepare_table

    keras_common.seed_everything(spec.seed)
    table = prepare_table(
        load_dataset(spec.dataset, temp_workspace("bare")).data, 0.2, spec.seed, None
    )
    x, y, validation = keras_common.validation_split(
        table.x_train, table.y_train, 0.2, spec.seed, True
    )
    n_classes = max(len(table.class_names), 1)
    model = get_kind(spec.model).build(table.x_train.shape[1], n_classes, table.task, **spec.params)
    steps = -(-len(x) // PARAMS["batch_size"])
    keras_common.decay_learning_rate(model, PARAMS["epochs"], steps)  # as the job's model
    started = time.perf_counter()
    model.fit(
        x,
        y,
        validation_data=validation,
        epochs=PARAMS["epochs"],
        batch_size=PARAMS["batch_size"],
        verbose=0,
        shuffle=True,
    )
    return len(x) * PARAMS["epochs"] / (time.perf_counter() - started)


def job_samples_per_s(manager: JobManager, spec: RunSpec) -> tuple[float, float]:
    store = manager.store
    started = time.perf_counter()
    run_id = manager.submit(spec, "digits")
    while store.get(run_id).active:
        time.sleep(0.1)
    wall = time.perf_counter() - started
    run = store.get(run_id)
    assert run.status == "succeeded", run.error
    return run.final_metrics["train_samples_per_s"], wall


def main(rounds: int = 12) -> None:
    import statistics

    spec = RunSpec("builtin:digits", "mlp", PARAMS, seed=0)
    manager = JobManager(RunStore(temp_workspace("jobs")), embedding_service=False)
    bare_fit_samples_per_s(spec)  # warms TensorFlow in this process; not counted
    _, cold_wall = job_samples_per_s(manager, spec)  # and in the warm worker, as the app's
    bare, job, walls = [], [], []
    for _ in range(rounds):
        bare.append(bare_fit_samples_per_s(spec))
        speed, wall = job_samples_per_s(manager, spec)
        job.append(speed)
        walls.append(wall)
    manager.shutdown()
    print("bare model.fit:         " + "  ".join(f"{value:6.0f}" for value in bare) + " samples/s")
    print("through the job system: " + "  ".join(f"{value:6.0f}" for value in job) + " samples/s")
    print(f"job run wall time, first in a new worker (spawn + TF import): {cold_wall:.1f} s")
    print(f"job run wall time in the warm worker: {statistics.median(walls):.1f} s (median)")
    ratios = [j / b for j, b in zip(job, bare, strict=True)]
    print("ratio per round:        " + "  ".join(f"{value:6.3f}" for value in ratios))
    low, high = min(ratios), max(ratios)
    print(
        f"median ratio job / bare: {statistics.median(ratios):.3f}"
        f"   (rounds {low:.3f}–{high:.3f}; goal ≥ 0.95)"
    )


if __name__ == "__main__":
    main()
