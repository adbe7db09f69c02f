"""The Train page through AppTest: every hyperparameter explained, Keras training options,
and runs that carry a name and tags."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.jobs import JobManager
from models.registry import MODEL_KINDS, kinds_for, model_label
from models.store import RunStore
from tests.apptest_helpers import RUNS_PAGE, TRAIN_PAGE, open_app

WIDGETS = ("number_input", "slider", "select_slider", "checkbox", "selectbox", "text_input")
DATASETS = {
    "tabular": "Iris flowers",
    "image": "Shapes (generated)",
    "text": "Chinese shopping reviews",
}


def hyperparameter_widgets(at: AppTest, kind_key: str) -> dict[str, object]:
    prefix = f"p_{kind_key}_"
    return {
        widget.key.removeprefix(prefix): widget
        for kind in WIDGETS
        for widget in at.get(kind)
        if widget.key and widget.key.startswith(prefix)
    }


def test_every_hyperparameter_of_every_model_has_a_label_and_a_line_of_help(workspace):
    at = open_app(TRAIN_PAGE)
    unexplained = []
    for modality, dataset in DATASETS.items():
        at.selectbox(key="train_dataset").set_value(dataset).run()
        for kind in kinds_for(modality):
            at.selectbox(key="train_model").set_value(kind.label).run()
            widgets = hyperparameter_widgets(at, kind.key)
            assert set(widgets) == set(kind.defaults), kind.key
            unexplained += [
                f"{kind.key}.{name}" for name, widget in widgets.items() if not widget.proto.help
            ]
            assert widgets.get("max_len") is None or "0 =" in widgets["max_len"].proto.help
    assert unexplained == []
    at.selectbox(key="train_model").set_value(model_label("transformer")).run()
    assert hyperparameter_widgets(at, "transformer")["ff_dim"].label == "Feed-forward width"


@pytest.mark.parametrize(
    "kind_key", [k.key for k in MODEL_KINDS.values() if k.framework == "keras" and k.listed]
)
def test_every_keras_model_offers_early_stopping_and_class_weights(workspace, kind_key):
    kind = MODEL_KINDS[kind_key]
    at = open_app(TRAIN_PAGE)
    at.selectbox(key="train_dataset").set_value(DATASETS[kind.modality]).run()
    at.selectbox(key="train_model").set_value(kind.label).run()
    widgets = hyperparameter_widgets(at, kind_key)
    assert widgets["early_stopping_patience"].value == 0
    assert "best epoch" in widgets["early_stopping_patience"].proto.help
    assert widgets["balance_classes"].value is False


def test_a_run_gets_its_name_and_tags_from_the_train_page(workspace, monkeypatch):
    monkeypatch.setattr(JobManager, "_start_queued", lambda self: None)
    at = open_app(TRAIN_PAGE)
    at.selectbox(key="train_model").set_value(model_label("logreg")).run()
    at.text_input(key="train_run_name").input("wide C").run()
    at.text_input(key="train_run_tags").input("baseline, linear").run()
    at.button(key="start_training").click().run()
    assert not at.exception
    (run,) = RunStore(workspace).list_runs()
    assert (run.name, run.tags) == ("wide C", ("baseline", "linear"))
    assert "wide C" in at.success[0].value
    at.switch_page(RUNS_PAGE).run()
    assert at.selectbox(key="runs_selected").options[0].startswith("wide C · ")
    assert list(at.dataframe[0].value["tags"]) == ["baseline, linear"]


def test_a_table_read_from_disk_starts_with_large_batches(workspace):
    """Each epoch reads the whole table: at 32 rows a batch a 20 M-row epoch is 625,000
    steps, so a disk table's batch size starts at 512; an upload keeps the kind's default."""
    from dashboard.chosen_dataset import Choice
    from dashboard.train_page.param_widgets import DISK_BATCH_SIZE

    at = open_app()
    at.session_state["chosen_dataset"] = Choice("path:events.csv", "events.csv", "tabular")
    at.switch_page(TRAIN_PAGE)
    at = at.run()
    at.selectbox(key="train_model").set_value(model_label("mlp")).run()
    batch = at.select_slider(key="p_mlp_disk_batch_size")
    assert batch.value == DISK_BATCH_SIZE == 512
    assert "512 rows" in " ".join(c.value for c in at.caption)
    at.session_state["chosen_dataset"] = Choice("upload:iris", "iris.csv", "tabular")
    at = at.run()
    assert (
        at.select_slider(key="p_mlp_batch_size").value == MODEL_KINDS["mlp"].defaults["batch_size"]
    )
