"""Every download of a run: the model bundle (used without Glassbox, and loaded back into it),
the numbers, the offline HTML reports and the TensorBoard event files."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from models.export import numbers
from models.export.bundle import model_bundle
from models.importing.describe import describe_file
from models.importing.pairing import check_pairing, data_facts
from models.importing.runs import import_spec
from models.spec import RunSpec
from models.store import RunStore
from tests import import_models as built
from tests.factories import train_now


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> RunStore:
    return RunStore(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def forest_run(store) -> str:
    return train_now(store, RunSpec("builtin:iris", "random_forest", {"n_estimators": 30}))


@pytest.fixture(scope="module")
def mlp_run(store) -> str:
    spec = RunSpec("builtin:iris", "mlp", {"epochs": 3, "validation_split": 0.2})
    return train_now(store, spec)


@pytest.fixture(scope="module")
def cnn_import(store, tmp_path_factory) -> str:
    from data.registry import load_dataset

    path = built.digits_cnn(tmp_path_factory.mktemp("nb"))
    data = load_dataset("builtin:digits-images", store.workspace).data
    pairing = check_pairing(describe_file(path), data_facts(data))
    spec = import_spec(path, "builtin:digits-images", pairing, pixel_scale="unit")
    return train_now(store, spec)


def _unpack(content: bytes, folder: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(content)).extractall(folder)
    return folder


def _readme_snippet(folder: Path) -> str:
    return re.search(r"```python\n(.*?)```", (folder / "README.md").read_text(), re.S).group(1)


def _run_outside_glassbox(folder: Path, code: str) -> str:
    """Runs code in the bundle's folder with a Python that cannot import this repository."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.')\n{code}"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _reimport(store: RunStore, model_file: Path, dataset: str, **choices) -> str:
    from data.registry import load_dataset

    data = load_dataset(dataset, store.workspace).data
    pairing = check_pairing(describe_file(model_file), data_facts(data))
    return train_now(store, import_spec(model_file, dataset, pairing, **choices))


def test_sklearn_bundle_predicts_raw_rows_outside_glassbox_and_loads_back(
    store, forest_run, tmp_path
):
    from data.builtin_tabular import BUILTIN_TABULAR

    folder = _unpack(model_bundle(store.run_dir(forest_run)), tmp_path)
    assert {"model.skops", "labels.json", "README.md", "data/tabular_prep.py"} <= {
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
    }
    frame = BUILTIN_TABULAR["iris"][1]().frame
    frame.drop(columns=["species"]).iloc[[0, 60, 120]].to_csv(folder / "new_rows.csv", index=False)
    printed = _run_outside_glassbox(folder, _readme_snippet(folder))
    assert "['setosa' 'versicolor' 'virginica']" in printed
    again = _reimport(store, folder / "model.skops", "builtin:iris")
    for metric in ("accuracy", "macro_f1", "log_loss"):  # the same test rows, the same answers
        assert store.get(again).final_metrics[metric] == pytest.approx(
            store.get(forest_run).final_metrics[metric]
        )


def test_keras_image_bundle_round_trips_with_the_same_accuracy(store, cnn_import, tmp_path):
    folder = _unpack(model_bundle(store.run_dir(cnn_import)), tmp_path)
    assert json.loads((folder / "labels.json").read_text())["classes"][:2] == ["0", "1"]
    printed = _run_outside_glassbox(folder, _readme_snippet(folder))
    assert re.search(r"\['\d'\]", printed)  # one class name for the one blank image
    again = _reimport(store, folder / "model.keras", "builtin:digits-images", pixel_scale="raw")
    assert store.get(again).final_metrics["accuracy"] == pytest.approx(
        store.get(cnn_import).final_metrics["accuracy"]
    )


def test_keras_table_bundle_carries_its_preprocessing(store, mlp_run, tmp_path):
    from data.builtin_tabular import BUILTIN_TABULAR

    folder = _unpack(model_bundle(store.run_dir(mlp_run)), tmp_path)
    assert (folder / "preprocessor.skops").exists()
    frame = BUILTIN_TABULAR["iris"][1]().frame
    frame.drop(columns=["species"]).iloc[[0]].to_csv(folder / "new_rows.csv", index=False)
    assert re.search(
        r"\['(setosa|versicolor|virginica)'\]",
        _run_outside_glassbox(folder, _readme_snippet(folder)),
    )


def test_numbers_match_the_run(store, mlp_run):
    from models.artifacts import load_results

    run, results = store.get(mlp_run), load_results(store.run_dir(mlp_run))
    record = json.loads(numbers.metrics_json(run, results))
    assert record["metrics"]["accuracy"] == run.final_metrics["accuracy"]
    assert set(record["per_class"]) == {"setosa", "versicolor", "virginica"}
    history = pd.read_csv(io.StringIO(numbers.history_csv(store.history(mlp_run))))
    assert history["epoch"].tolist() == [1, 2, 3] and "val_loss" in history
    predictions = pd.read_csv(io.StringIO(numbers.predictions_csv(results)))
    assert len(predictions) == len(results.test_index) == 30
    assert predictions.filter(like="probability").sum(axis=1).round(3).eq(1).all()
    accuracy = (predictions["true"] == predictions["predicted"]).mean()
    assert accuracy == pytest.approx(run.final_metrics["accuracy"])
    confusion = pd.read_csv(io.StringIO(numbers.confusion_csv(results)), index_col=0)
    assert confusion.to_numpy().sum() == 30
    assert confusion.to_numpy().trace() == (predictions["true"] == predictions["predicted"]).sum()


def test_run_report_is_one_offline_file_with_every_section(store, mlp_run):
    from dashboard.report.run_report import run_report_html

    page = run_report_html(store, mlp_run)
    for section in (
        "Metrics",
        "Spec",
        "Training curves",
        "Confusion matrix",
        "Per-class metrics",
        "Embedding",
        "Notes",
    ):
        assert f"<h2>{section}</h2>" in page
    assert "cdn." not in page and 'src="http' not in page  # nothing is fetched
    assert page.count('data-figure="figure-') == 4  # curves, confusion, per-class, embedding


def test_comparison_report_lists_each_run(store, mlp_run, forest_run):
    from dashboard.report.compare_report import compare_report_html

    page = compare_report_html(store, [mlp_run, forest_run])
    assert "Comparison of 2 runs" in page
    assert "Keras MLP" in page and "Random forest" in page
    assert page.count('data-figure="figure-') >= 4


def test_keras_runs_write_tensorboard_scalars_and_hyperparameters(store, mlp_run):
    import tensorflow as tf

    root = store.run_dir(mlp_run) / "tensorboard"
    steps: dict[tuple[str, str], list[int]] = {}
    for side in ("train", "validation"):
        for path in (root / side).glob("events.out.tfevents.*"):
            for event in tf.compat.v1.train.summary_iterator(str(path)):
                for value in event.summary.value:
                    steps.setdefault((side, value.tag), []).append(event.step)
    assert steps[("train", "loss")] == [1, 2, 3]
    assert steps[("validation", "accuracy")] == [1, 2, 3]
    assert ("train", "hyperparameters") in steps
