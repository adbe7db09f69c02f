"""The embedding explorer on the Explore page, through AppTest, on a real iris run.

AppTest cannot drag a box, so a selection is simulated the way the browser
reports one: the chart's selection state, set under its widget key.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views.embedding.view import chart_key
from models.embedding.compute import EmbeddingSettings
from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import app_workspace, chart_specs, open_explore, open_tab
from tests.factories import train_now

LAYER = "hidden_2"
PARAMS = {"epochs": 3, "hidden_units": 8, "learning_rate": 0.03, "feature_snapshots": [0, 1, 3]}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One iris run with snapshots, its 2-D/3-D maps and frames computed as the service would."""
    from models.embedding.cache import compute_embedding, compute_frames

    workspace = tmp_path_factory.mktemp("explorer") / "workspace"
    store = RunStore(workspace)
    run_id = train_now(store, RunSpec("builtin:iris", "mlp", PARAMS, seed=0))
    run_dir = store.run_dir(run_id)
    for dims in (2, 3):
        compute_embedding(run_dir, LAYER, EmbeddingSettings(n_components=dims))
    compute_frames(run_dir, LAYER, EmbeddingSettings())
    return workspace, run_id


@pytest.fixture
def app(trained):
    workspace, run_id = trained
    with app_workspace(workspace):
        at = open_tab(open_explore(run_id), "Embedding (UMAP)")
        assert not at.exception, at.exception
        yield at, run_id


def embedding_charts(at: AppTest) -> list[dict]:
    """The explorer's scatter (each point's hover names its id), not the animated frames."""
    return [
        c
        for c in chart_specs(at)
        if "frames" not in c and "point %{customdata[0]}" in c["data"][0].get("hovertemplate", "")
    ]


def embedding_chart(at: AppTest) -> dict:
    (chart,) = embedding_charts(at)
    return chart


def select(at: AppTest, run_id: str, rows: list[int], dims: int = 2) -> AppTest:
    points = [{"curve_number": 0, "customdata": [row]} for row in rows]
    key = chart_key(run_id, LAYER, EmbeddingSettings(n_components=dims).key())
    at.session_state[key] = {
        "selection": {"points": points, "point_indices": [], "box": [], "lasso": []}
    }
    return at.run()


def test_explorer_draws_every_test_point_with_its_row_in_the_hover(app):
    at, run_id = app
    fig = embedding_chart(at)
    ids = sorted(int(row[0]) for trace in fig["data"] for row in trace["customdata"])
    assert ids == list(range(30))  # iris: 30 test samples
    assert "sepal length (cm)" in fig["data"][0]["hovertemplate"]
    assert [t["name"] for t in fig["data"]] == ["setosa", "versicolor", "virginica"]


def test_colour_options_include_a_data_column_and_3d(app):
    at, run_id = app
    colour = at.selectbox(key=f"emb_colour_{run_id}")
    assert colour.options[:4] == ["true label", "predicted label", "correct vs wrong", "confidence"]
    assert "column: petal length (cm)" in colour.options
    colour.set_value("column: petal length (cm)").run()
    fig = embedding_chart(at)
    assert fig["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "petal length (cm)"
    at.radio(key=f"emb_dims_{run_id}").set_value(3).run()
    assert not at.exception, at.exception
    assert {trace["type"] for trace in embedding_chart(at)["data"]} == {"scatter3d"}


def _selection_downloads(at) -> list[str]:
    """Download buttons of the selection (not the run's Download panel, keys dl_…)."""
    return [b.proto.label for b in at.get("download_button") if not b.key.startswith("dl_")]


def test_the_download_panel_offers_every_export_of_the_run(app):
    at, run_id = app
    labels = {b.proto.label for b in at.get("download_button") if b.key.startswith("dl_")}
    assert labels == {
        "Model bundle (.zip)",
        "Report (.html)",
        "Metrics (.json)",
        "History per epoch (.csv)",
        "Test predictions (.csv)",
        "Confusion matrix (.csv)",
    }


def test_a_selection_lists_its_samples_with_a_csv_and_its_confusion_cells(app):
    at, run_id = app
    assert not _selection_downloads(at)
    at = select(at, run_id, [4, 0, 17])
    assert not at.exception, at.exception
    assert _selection_downloads(at) == ["Download the selection as CSV"]
    assert any("**3 selected samples**" in m.value for m in at.markdown)
    *_, cells, listed = [frame.value for frame in at.dataframe]  # the tab's last two tables
    assert sorted(listed["test row"]) == [0, 4, 17]
    assert {"true", "predicted", "confidence", "sepal length (cm)"} <= set(listed.columns)
    assert cells.index.name == "true ↓ / predicted →" and cells.to_numpy().sum() == 3


def test_a_confusion_cell_highlights_its_points_and_back(app):
    at, run_id = app
    open_tab(at, "Confusion & metrics")
    cell = at.selectbox(key=f"cm_cell_{run_id}")
    label = cell.options[1]
    count = int(label.rsplit("(", 1)[1].rstrip(")"))
    cell.set_value(label).run()
    open_tab(at, "Embedding (UMAP)")
    assert at.selectbox(key=f"emb_highlight_{run_id}").value == label
    traces = embedding_chart(at)["data"]
    bold = sum(len(t["customdata"]) for t in traces if t["marker"]["opacity"] == 1.0)
    faded = sum(len(t["customdata"]) for t in traces if t["marker"]["opacity"] < 0.5)
    assert (bold, faded) == (count, 30 - count)

    other = next(o for o in at.selectbox(key=f"emb_highlight_{run_id}").options[2:] if o != label)
    at.selectbox(key=f"emb_highlight_{run_id}").set_value(other).run()
    open_tab(at, "Confusion & metrics")
    assert at.selectbox(key=f"cm_cell_{run_id}").value == other


def test_the_feature_space_over_training_plays_the_snapshot_epochs(app):
    at, run_id = app
    frames = next(c for c in chart_specs(at) if "frames" in c)
    assert [f["name"] for f in frames["frames"]] == ["epoch 0", "epoch 1", "epoch 3"]
    assert [s["label"] for s in frames["layout"]["sliders"][0]["steps"]] == [
        "epoch 0",
        "epoch 1",
        "epoch 3",
    ]
    assert any("96 fixed training samples" in c.value for c in at.caption)


def test_new_settings_ask_the_embedding_service_and_show_progress(trained, app, monkeypatch):
    import dashboard.services

    at, run_id = app
    monkeypatch.setattr(dashboard.services, "get_manager", lambda: None)  # no real service here
    at.select_slider(key=f"emb_neighbours_{run_id}").set_value(5).run()
    assert not at.exception, at.exception
    from models.embedding.queue import EmbeddingQueue

    store = RunStore(trained[0])
    wanted = EmbeddingSettings(n_neighbors=5)
    assert EmbeddingQueue(store).get(run_id, LAYER, wanted).status == "queued"
    assert any("Computing the UMAP of 'hidden_2'" in p.proto.text for p in at.get("progress"))
    assert embedding_charts(at) == []  # nothing stale is drawn meanwhile
