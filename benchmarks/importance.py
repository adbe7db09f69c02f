"""Feature importance and the tabular Transformer, measured; prints figures and ratios.

    .venv/bin/python benchmarks/importance.py [--seeds 2]

1. Permutation importance of a 10,000-row × 30-column table on a trained Keras MLP
   (5 shuffles of every column): all 10,000 rows, calling the model directly in
   large chunks as the explain service does, against `model.predict` on the same
   work; and the whole importance request the service answers after training (its
   test split, 2,000 rows, model loading included). Goal: ≤ 10 s.
2. The first open of the Feature importance tab of a finished run whose importance
   is cached, in a fresh process with AppTest (benchmarks/_common.py). Goal: ≤ 1.5 s.
3. Tabular Transformer against the Keras MLP on breast cancer, wine and a generated
   mixed-type CSV (numbers with gaps, categories, yes/no, dates) saved as an upload:
   test accuracy (mean over seeds) and training time per epoch, both kinds with
   their defaults. Goals: accuracy within 2 points, per epoch ≤ 3× the MLP's.

Everything trains through `models.worker.execute` in a temporary workspace.
Prints only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import time
from collections import OrderedDict

import numpy as np
import pandas as pd
from _common import explore_tab_seconds, print_explore_seconds, temp_workspace


def wide_table(rows: int = 10_000, columns: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.normal(size=(rows, columns)), columns=[f"x{i}" for i in range(columns)]
    )
    score = frame["x0"] + 0.7 * frame["x1"] - 0.5 * frame["x2"] + 0.3 * frame["x3"] * frame["x4"]
    frame["label"] = np.where(score > 0, "high", "low")
    return frame


def mixed_table(rows: int = 3000, seed: int = 0) -> pd.DataFrame:
    """An uploaded-style CSV: gaps, categories, yes/no answers, dates, an id column."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10, 0.5, rows)
    age = rng.integers(18, 80, rows).astype(float)
    region = rng.choice(["north", "south", "east", "west"], rows, p=[0.4, 0.3, 0.2, 0.1])
    owner = rng.choice(["yes", "no"], rows)
    opened = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, rows), unit="D")
    score = (
        (np.log(income) - 10) * 2
        + (age - 45) / 20
        + np.select([region == "north", region == "west"], [0.8, -0.8], 0.0)
        + np.where(owner == "yes", 0.7, -0.2)
        - (opened.year - 2019) * 0.15
        + rng.normal(0, 0.8, rows)
    )
    age[rng.random(rows) < 0.08] = np.nan
    return pd.DataFrame(
        {
            "customer_id": np.arange(rows),
            "income": income.round(2),
            "age": age,
            "region": region,
            "home_owner": owner,
            "opened": opened.strftime("%Y-%m-%d"),
            "risk": np.where(score > 0.3, "low", np.where(score > -0.8, "medium", "high")),
        }
    )


def train(
    store, dataset: str, model: str, options: dict | None = None, seed: int = 0, **params
) -> str:
    from models.spec import RunSpec
    from models.worker import execute

    spec = RunSpec(dataset, model, params, seed=seed, dataset_options=options or {})
    run_id = store.create_run(spec, dataset, status="running")
    execute(store, run_id)
    run = store.get(run_id)
    if run.status != "succeeded":
        raise RuntimeError(f"{model} on {dataset}: {run.error}")
    return run_id


def save_csv(store, frame: pd.DataFrame, name: str) -> str:
    from data.dataset_store import save_upload

    return save_upload(
        store.workspace, "tabular", name, {"source.csv": frame.to_csv(index=False).encode()}
    )


def importance_speed(store) -> str:
    from models.explain.permutation import permutation_importance
    from models.explain.predictor import Predictor
    from models.explain.queue import ExplainQueue
    from models.explain.service import handle
    from models.explain.tasks import RunExplainer

    ref = save_csv(store, wide_table(), "wide.csv")
    run_id = train(store, ref, "mlp", {"target": "label"}, epochs=5)
    queue = ExplainQueue(store)
    request = queue.claim()  # the importance the worker asked for
    start = time.perf_counter()
    handle(store, queue, request, OrderedDict())
    service_s = time.perf_counter() - start
    explainer = RunExplainer(store, run_id)
    table = wide_table()
    x = explainer.transform(table.drop(columns="label"))
    y = (table["label"] == "low").to_numpy().astype(int)  # class names sort: high, low
    groups = explainer.groups
    start = time.perf_counter()
    direct = permutation_importance(explainer.predictor, x, y, groups, max_rows=len(x))
    direct_s = time.perf_counter() - start
    model = explainer.model
    slow = Predictor(
        "classification",
        explainer.predictor.outputs,
        lambda b: model.predict(b, batch_size=256, verbose=0),
    )
    start = time.perf_counter()
    permutation_importance(slow, x, y, groups, max_rows=len(x))
    predict_s = time.perf_counter() - start
    top = [direct.columns[i] for i in direct.ranked("accuracy")[:5]]
    print("1. Permutation importance, 10,000 rows × 30 columns, Keras MLP, 5 shuffles each")
    print(
        f"  all 10,000 rows, model called directly: {direct_s:6.2f} s  (goal ≤ 10 s: ratio {direct_s / 10:.2f})"
    )
    print(
        f"  same work through model.predict:        {predict_s:6.2f} s  ({predict_s / direct_s:.1f}× slower)"
    )
    print(
        f"  the service's request after training (2,000 test rows, model load, partial dependence of the top 3): {service_s:.2f} s"
    )
    print(f"  top columns: {', '.join(top)}  (the label is made from x0..x4)")
    return run_id


def first_open(workspace, run_id: str) -> None:
    timing = explore_tab_seconds(
        workspace, run_id, ["Feature importance"], wait_for_background=True
    )
    print("2. Explore, Feature importance tab with the importance cached (fresh process, AppTest)")
    print_explore_seconds(timing)
    first = timing["times"].get("Feature importance", [float("nan")])[0]
    print(f"  first open {first:.2f} s (goal ≤ 1.5 s: ratio {first / 1.5:.2f})")


def epoch_seconds(
    store, ref: str, options: dict, model: str, epochs: int = 6
) -> tuple[float, float]:
    """(first epoch, median of the later ones) of the kind's model fitted with its defaults on
    the same rows the run trains on: the first epoch also builds the training graph once."""
    import keras

    from data.registry import load_dataset
    from models.registry import get_kind
    from models.spec import RunSpec
    from models.tabular.networks import model_inputs
    from models.tabular.prep import prepare_table

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    seconds: list[float] = []
    data = load_dataset(ref, store.workspace, options).data
    table = prepare_table(data, 0.2, 0, None)
    kind = get_kind(model)
    request = kind.request(RunSpec(ref, model))
    network = request.build(*model_inputs(table, kind.settings))
    network.fit(
        table.x_train,
        table.y_train,
        validation_split=float(request.params["validation_split"]),
        epochs=epochs,
        batch_size=int(request.params["batch_size"]),
        callbacks=[Timer()],
        verbose=0,
    )
    return seconds[0], float(np.median(seconds[1:]))


def transformer_vs_mlp(store, seeds: int) -> None:
    sets = {
        "breast cancer": ("builtin:breast_cancer", {}),
        "wine": ("builtin:wine", {}),
        "mixed-type CSV": (save_csv(store, mixed_table(), "mixed.csv"), {"target": "risk"}),
    }
    models = ("mlp", "tab_transformer")
    print(f"3. Tabular Transformer (TT) vs Keras MLP, defaults, accuracy: mean of {seeds} seed(s)")
    print(
        f"  {'dataset':<16}{'MLP acc':>8}{'TT acc':>8}{'Δ pts':>7}"
        f"{'MLP s/ep':>10}{'TT s/ep':>9}{'ratio':>7}{'MLP 1st':>9}{'TT 1st':>8}"
    )
    for name, (ref, options) in sets.items():
        accuracy = {
            model: np.mean(
                [
                    store.get(train(store, ref, model, options, seed=seed)).final_metrics[
                        "accuracy"
                    ]
                    for seed in range(seeds)
                ]
            )
            for model in models
        }
        (mlp_first, mlp_s), (tt_first, tt_s) = (
            epoch_seconds(store, ref, options, model) for model in models
        )
        print(
            f"  {name:<16}{accuracy['mlp']:8.3f}{accuracy['tab_transformer']:8.3f}"
            f"{100 * (accuracy['tab_transformer'] - accuracy['mlp']):+7.1f}"
            f"{mlp_s:10.3f}{tt_s:9.3f}{tt_s / mlp_s:7.2f}{mlp_first:9.2f}{tt_first:8.2f}",
            flush=True,
        )
    print(
        "  (goals: Δ ≥ -2 points; ratio ≤ 3. s/ep: median epoch after the first; "
        "1st: the first epoch, which also builds the training graph once per run)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--only", choices=["speed", "open", "transformer"], default=None)
    args = parser.parse_args()
    from models.store import RunStore

    workspace = temp_workspace("importance")
    store = RunStore(workspace)
    if args.only in (None, "speed", "open"):
        run_id = importance_speed(store)
        if args.only != "speed":
            first_open(workspace, run_id)
    if args.only in (None, "transformer"):
        transformer_vs_mlp(store, args.seeds)


if __name__ == "__main__":
    main()
