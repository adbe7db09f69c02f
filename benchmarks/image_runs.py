"""Image models on the built-in digits, Explore render time, and probe latency.

    .venv/bin/python benchmarks/image_runs.py [--cnn-epochs 30] [--vit]

1. Trains the CNN (default hyperparameters) and the pixel baseline on
   `builtin:digits-images` through `models.worker.execute` (the code path the
   app's workers run) in a temporary workspace; prints test accuracy (goal for
   the CNN: ≥ 98 %) and wall time from start to a finished run. `--vit` adds the
   ViT on `builtin:shapes`.
2. Opens Explore on the finished CNN run with AppTest in a fresh Python process,
   then each image tab: its first open pays a person's first visit (importing
   TensorFlow, loading the model, building the probes); the rerun is what every
   click costs (goal ≤ 2 s). The UMAP tab is left out: it only polls the
   embedding service.
3. Times activation maps + Grad-CAM for newly uploaded images (PNG bytes →
   decode to the run's shape → probe) once the model is loaded (goal ≤ 1 s).
Prints only; nothing here asserts.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import explore_tab_seconds, print_explore_seconds

IMAGE_TABS = ["Filters & activations", "Grad-CAM", "Predict an image", "Confusion & metrics"]


def train(store, dataset: str, model: str, params: dict) -> dict:
    from models.registry import get_kind
    from models.spec import RunSpec
    from models.worker import execute

    spec = RunSpec(dataset, model, get_kind(model).params(params), seed=0)
    run_id = store.create_run(spec, dataset, status="running")
    start = time.perf_counter()
    status = execute(store, run_id)
    wall = time.perf_counter() - start
    run = store.get(run_id)
    row = {
        "run_id": run_id,
        "model": model,
        "dataset": dataset,
        "status": status,
        "error": run.error,
        "accuracy": run.final_metrics.get("accuracy"),
        "fit_s": run.final_metrics.get("fit_seconds"),
        "wall_s": wall,
        "epochs": spec.params.get("epochs", "-"),
    }
    print(f"  trained {model} on {dataset}: {status} in {wall:.1f} s", flush=True)
    return row


def _png(image) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image.squeeze()).resize((64, 64)).save(buffer, format="PNG")
    return buffer.getvalue()


def probe_times(run_dir: Path, n_images: int = 20) -> dict:
    """Seconds to load, to build the probe, and per new image (decode + maps + Grad-CAM)."""
    import numpy as np

    from data.builtin_images import digits_images
    from data.images import decode_image
    from models.image.probes import cnn_probe
    from models.model_io import load_keras

    start = time.perf_counter()
    model = load_keras(run_dir)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    probe = cnn_probe(model)
    built = time.perf_counter() - start
    height, _, channels = probe.image_shape
    rng = np.random.default_rng(1)
    sources = digits_images().images[rng.choice(1797, n_images, replace=False)]
    uploads = [_png(image) for image in sources]  # bigger than 8 px, like a real upload
    seconds = []
    for raw in uploads:
        start = time.perf_counter()
        image = decode_image(raw, height, channels)
        result = probe.inspect(image, class_index=int(rng.integers(10)))
        seconds.append(time.perf_counter() - start)
        assert result.cam.shape and result.maps
    return {
        "load_s": loaded,
        "probe_build_s": built,
        "first_s": seconds[0],
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cnn-epochs", type=int, default=0, help="0 = the model's default")
    parser.add_argument("--vit", action="store_true", help="also train the ViT on shapes")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from models.store import RunStore

    total = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="glassbox-image-bench-") as folder:
        workspace = Path(folder) / "ws"
        store = RunStore(workspace)
        print("Training (80/20 split, default hyperparameters)…", flush=True)
        cnn_params = {"epochs": args.cnn_epochs} if args.cnn_epochs else {}
        rows = [
            train(store, "builtin:digits-images", "cnn", cnn_params),
            train(store, "builtin:digits-images", "pixel_logreg", {}),
        ]
        if args.vit:
            rows.append(train(store, "builtin:shapes", "vit", {}))
        print(
            f"\n{'model':<14}{'dataset':<24}{'epochs':>7}{'accuracy':>10}{'fit s':>8}{'wall s':>8}"
        )
        for row in rows:
            accuracy = "-" if row["accuracy"] is None else f"{row['accuracy']:.4f}"
            fit = "-" if row["fit_s"] is None else f"{row['fit_s']:.1f}"
            print(
                f"{row['model']:<14}{row['dataset']:<24}{row['epochs']!s:>7}{accuracy:>10}"
                f"{fit:>8}{row['wall_s']:>8.1f}  {row['status']}"
                f"{'' if not row['error'] else ': ' + row['error']}"
            )
        cnn = rows[0]
        if cnn["status"] == "succeeded":
            print("\nExplore on the digits CNN run (AppTest, fresh process; goal ≤ 2 s):")
            print(" tabs opened at once")
            print_explore_seconds(explore_tab_seconds(workspace, cnn["run_id"], IMAGE_TABS))
            print(" tabs opened once the background imports are done")
            print_explore_seconds(explore_tab_seconds(workspace, cnn["run_id"], IMAGE_TABS, True))
            probe = probe_times(store.run_dir(cnn["run_id"]))
            print("\nNew uploaded image → activation maps + Grad-CAM (goal ≤ 1 s once loaded):")
            print(
                f"  model load {probe['load_s']:.2f} s, probe build (once per run) "
                f"{probe['probe_build_s']:.2f} s"
            )
            print(
                f"  per image: first {probe['first_s'] * 1000:.1f} ms, median "
                f"{probe['median_s'] * 1000:.1f} ms, max {probe['max_s'] * 1000:.1f} ms"
            )
    print(f"\nWhole script: {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
