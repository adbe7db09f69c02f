"""Text models side by side on the built-in Chinese reviews, plus Explore render time.

    .venv/bin/python benchmarks/text_runs.py [--rnn-epochs 2] [--transformer-epochs 2]

Trains the TF-IDF baseline, the bidirectional LSTM and the Transformer through
`models.worker.execute` (the code path the app's workers run) in a temporary
workspace, and prints test accuracy and wall time for each. The default epoch
counts keep the whole script at roughly ten minutes on two CPU cores; more
epochs raise the neural models' accuracy by a point or two.

Then opens Explore on each finished run with AppTest in a fresh Python process
and opens each text tab: its first open pays what a person's first visit pays
(importing TensorFlow, loading the model), its rerun what every click costs.
The UMAP tab is left out: it only polls the separate embedding service.
Prints only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import explore_tab_seconds, print_explore_seconds

TEXT_TABS = ["Attention", "Token saliency", "Try a sentence", "Confusion & metrics"]
DATASET = "builtin:chinese_reviews"


def train_all(workspace: Path, epochs: dict[str, int]) -> dict[str, dict]:
    from models.spec import RunSpec
    from models.store import RunStore
    from models.worker import execute

    store = RunStore(workspace)
    rows = {}
    for model in ("tfidf_logreg", "rnn", "transformer"):
        params = {"epochs": epochs[model]} if model in epochs else {}
        run_id = store.create_run(RunSpec(DATASET, model, params), DATASET, status="running")
        start = time.perf_counter()
        status = execute(store, run_id)
        wall = time.perf_counter() - start
        run = store.get(run_id)
        rows[model] = {
            "run_id": run_id,
            "status": status,
            "error": run.error,
            "accuracy": run.final_metrics.get("accuracy"),
            "fit_s": run.final_metrics.get("fit_seconds"),
            "wall_s": wall,
            "epochs": params.get("epochs", "-"),
        }
        print(f"  trained {model}: {status} in {wall:.1f} s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rnn-epochs", type=int, default=2)
    parser.add_argument("--transformer-epochs", type=int, default=2)
    args = parser.parse_args()
    epochs = {"rnn": args.rnn_epochs, "transformer": args.transformer_epochs}
    total = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="glassbox-text-bench-") as folder:
        workspace = Path(folder) / "ws"
        print(f"Training on {DATASET} (80/20 split, default hyperparameters)…", flush=True)
        rows = train_all(workspace, epochs)
        print(f"\n{'model':<14}{'epochs':>7}{'accuracy':>10}{'fit s':>9}{'wall s':>9}  status")
        for model, row in rows.items():
            accuracy = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
            fit = "-" if row["fit_s"] is None else f"{row['fit_s']:.1f}"
            print(
                f"{model:<14}{row['epochs']!s:>7}{accuracy:>10}{fit:>9}{row['wall_s']:>9.1f}  "
                f"{row['status']}{'' if not row['error'] else ': ' + row['error']}"
            )
        print("\nExplore (AppTest, fresh process per run; goal ≤ 2 s):")
        for model, row in rows.items():
            if row["status"] != "succeeded":
                continue
            for wait in (False, True):
                when = "once the background imports are done" if wait else "opened at once"
                print(f" {model}, tabs {when}")
                print_explore_seconds(
                    explore_tab_seconds(workspace, row["run_id"], TEXT_TABS, wait)
                )
    print(f"\nWhole script: {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
