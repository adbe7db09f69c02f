"""Pages driven through AppTest: the tabular path and its bad-input messages."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    APP,
    ROOT,
    RUNS_PAGE,
    TRAIN_PAGE,
    errors,
    open_app,
    open_explore,
    open_tab,
    tab_labels,
    upload,
)
from tests.factories import blobs_csv, train_now


def test_first_page_renders_without_tensorflow_umap_or_pandas(tmp_path):
    script = (
        "import sys\n"
        "import dashboard.services\n"
        "dashboard.services.preload_modules = lambda: None  # it starts once the page is drawn\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=30).run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.title[0].value == 'Data'\n"
        "assert at.selectbox(key='builtin_choice').options, 'the built-in sets are listed'\n"
        "heavy = ('tensorflow', 'keras', 'umap', 'numba', 'pandas')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"GLASSBOX_WORKSPACE": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_builtin_dataset_shows_preview_types_missing_and_balance(workspace):
    at = open_app()
    assert not at.get("plotly_chart"), "nothing is loaded before a dataset is chosen"
    at.selectbox(key="builtin_choice").set_value("Iris flowers · tabular").run()
    assert not at.exception
    assert "150 rows × 5 columns" in " ".join(m.value for m in at.markdown)
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # missing values and class balance
    at.button(key="use_dataset").click().run()
    assert "Iris flowers" in at.success[0].value


def test_uploaded_csv_is_stored_by_content_hash_and_selectable(workspace):
    at = upload(open_app(), "../../evil name.csv", blobs_csv())
    assert not at.exception and not at.error
    stored = list((workspace / "datasets").glob("*/source.csv"))
    assert len(stored) == 1 and stored[0].read_bytes() == blobs_csv()
    assert "evil" not in str(stored[0])
    at.selectbox(key=next(k for k in _keys(at) if k.startswith("target_upload:"))).set_value(
        "species"
    ).run()
    at.button(key="use_dataset").click().run()
    at.switch_page(TRAIN_PAGE).run()
    assert "evil name.csv" in " ".join(m.value for m in at.markdown)


def _keys(at: AppTest) -> list[str]:
    return [element.key for element in at.selectbox if element.key]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (b"only\n1\n2\n3\n", "single column"),
    ],
)
def test_unreadable_csv_shows_a_clear_error_and_the_app_keeps_running(workspace, payload, message):
    at = upload(open_app(), "bad.csv", payload)
    assert not at.exception
    assert message in errors(at).lower()
    at.radio(key="data_source").set_value("Built-in").run()
    assert not at.exception and not at.error


def test_semicolon_latin1_csv_is_read_with_notes(workspace):
    text = "name;value;class\n" + "\n".join(
        f"café {i};{i},5;{'ja' if i % 2 else 'nein'}" for i in range(40)
    )
    at = upload(open_app(), "latin.csv", text.encode("cp1252"))
    assert not at.exception and not at.error
    notes = " ".join(m.value for m in at.info).lower()
    assert "semicolon" in notes and (
        "latin-1" in notes or "cp1252" in notes or "windows-1252" in notes
    )


def test_target_with_one_class_is_refused_on_the_data_page(workspace):
    csv = b"x,y\n" + b"\n".join(f"{i},same".encode() for i in range(30))
    at = upload(open_app(), "one.csv", csv)
    assert "single class" in errors(at)
    assert not at.exception


def test_target_with_hundreds_of_classes_is_refused(workspace):
    csv = b"x,label\n" + b"\n".join(f"{i},name{i}".encode() for i in range(400))
    at = upload(open_app(), "many.csv", csv)
    assert "classes" in errors(at)


def test_duplicate_columns_are_renamed_with_a_note(workspace):
    csv = b"a,a,label\n" + b"\n".join(f"{i % 7},{i * 2 % 5},{i % 2}".encode() for i in range(30))
    at = upload(open_app(), "dup.csv", csv)
    assert not at.error
    assert "appears 2 times" in " ".join(m.value for m in at.info)


def test_train_page_queues_runs_in_the_store(workspace):
    at = open_app(TRAIN_PAGE)
    at.selectbox(key="train_model").set_value("Logistic / ridge regression").run()
    at.button(key="start_training").click().run()
    at.button(key="start_training").click().run()
    assert not at.exception
    runs = RunStore(workspace).list_runs()
    assert len(runs) == 2 and {run.spec.model for run in runs} == {"logreg"}


@pytest.fixture
def finished_runs(workspace):
    store = RunStore(workspace)
    mlp = train_now(store, RunSpec("builtin:iris", "mlp", {"epochs": 3, "hidden_units": 8}))
    regression = train_now(store, RunSpec("builtin:diabetes", "hist_gb", {"max_iter": 20}))
    return store, mlp, regression


def test_runs_page_lists_runs_with_curves(finished_runs):
    store, mlp, _ = finished_runs
    at = open_app(RUNS_PAGE)
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["id"]) == {run.id for run in store.list_runs()}
    at.selectbox(key="runs_selected").set_value(mlp).run()
    assert at.get("plotly_chart"), "the selected run's curves are drawn"


def test_explore_deep_link_shows_curves_confusion_and_per_class(finished_runs):
    store, mlp, _ = finished_runs
    at = open_explore(mlp)
    assert not at.exception, at.exception
    assert tab_labels(at)[:2] == ["Training curves", "Confusion & metrics"]
    assert len(at.get("plotly_chart")) == 1, "only the open tab (curves) is rendered"
    at = open_tab(at, "Confusion & metrics")
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any('"heatmap"' in spec and "setosa" in spec for spec in specs)
    cell = at.selectbox(key=f"cm_cell_{mlp}")
    assert cell.value == "All misclassified"
    picked = cell.options[1]  # e.g. "setosa → versicolor (3)"
    true, predicted = picked.rsplit(" (", 1)[0].split(" → ")
    cell.set_value(picked).run()
    shown = at.dataframe[0].value
    assert len(shown) == int(picked.rsplit("(", 1)[1].rstrip(")"))
    assert set(shown["true"]) == {true} and set(shown["predicted"]) == {predicted}


def test_explore_regression_run_shows_predictions_not_confusion(finished_runs):
    store, _, regression = finished_runs
    at = open_explore(regression)
    assert not at.exception
    labels = tab_labels(at)
    assert "Predictions" in labels and "Confusion & metrics" not in labels


def test_explore_unknown_run_warns_and_falls_back(finished_runs):
    at = open_explore("nope")
    assert "no run 'nope'" in at.warning[0].value


def test_class_with_a_single_row_is_dropped_with_a_note(workspace):
    rows = [f"{i % 9},{'a' if i % 2 else 'b'}" for i in range(40)] + ["3,lonely"]
    at = upload(open_app(), "single.csv", ("x,label\n" + "\n".join(rows)).encode())
    assert not at.error
    assert "lonely" in " ".join(w.value for w in at.warning)


def test_all_missing_column_is_reported_as_empty(workspace):
    rows = [f"{i},,{'a' if i % 2 else 'b'}" for i in range(40)]
    at = upload(open_app(), "gap.csv", ("x,nothing,label\n" + "\n".join(rows)).encode())
    types = next(df.value for df in at.dataframe if "role" in df.value.columns)
    assert types.set_index("column").loc["nothing", "role"] == "empty"


def test_failed_run_shows_its_error_and_traceback_on_the_runs_page(workspace):
    store = RunStore(workspace)
    train_now(store, RunSpec("builtin:iris", "logreg", {}, dataset_options={"target": "nope"}))
    at = open_app(RUNS_PAGE)
    assert not at.exception
    assert "nope" in at.error[0].value
    assert "Traceback" in at.expander[0].code[0].value


def test_upload_limit_matches_the_loader_limit():
    import tomllib

    from data.csv_loader import MAX_CSV_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_CSV_BYTES
