"""The text path through the pages (AppTest): upload, summary, bad input, and Explore views."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    app_workspace,
    open_app,
    open_explore,
    open_tab,
    shown,
    tab_labels,
    table_with,
)
from tests.factories import train_now
from tests.text_samples import REVIEW_COLUMNS, TINY_TEXT_PARAMS, review_frame, upload_reviews


def upload_text(at: AppTest, payload: bytes, name: str = "texts.csv") -> AppTest:
    at.radio(key="data_source").set_value("Upload a text CSV").run()
    return at.file_uploader(key="text_csv_upload").set_value((name, payload, "text/csv")).run()


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    return frame.to_csv(index=False).encode(encoding)


def test_uploaded_text_csv_renders_a_summary_and_is_selectable(workspace):
    at = upload_text(open_app(), csv_bytes(review_frame()))
    assert not at.exception and not at.error
    assert "80 texts, 2 labels" in shown(at, "markdown")
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Proposed sequence length"].endswith("tokens")
    assert metrics["Texts truncated"] == "0.0%"
    assert len(at.get("plotly_chart")) == 1  # labels per class
    samples = at.dataframe[0].value  # the only table on the page: sample texts per label
    assert set(samples["label"]) == {"pos", "neg"} and len(samples) == 6
    assert at.selectbox(key=next(k for k in _keys(at, "selectbox") if "text_col" in k)).value == (
        "review"
    )
    assert len(list((workspace / "datasets").glob("*/source.csv"))) == 1
    at.button(key=next(k for k in _keys(at, "button") if k.startswith("use_text_"))).click().run()
    choice = at.session_state["chosen_dataset"]
    assert choice.kind == "text" and choice.options == REVIEW_COLUMNS


def _keys(at: AppTest, kind: str) -> list[str]:
    return [element.key for element in getattr(at, kind) if element.key]


def test_switching_the_script_mode_changes_stats_and_is_passed_to_training(workspace):
    at = upload_text(open_app(), csv_bytes(review_frame()))
    mode_key = next(k for k in _keys(at, "radio") if k.startswith("text_mode_"))
    word_median = {m.label: m.value for m in at.metric}["Median length"]
    at.radio(key=mode_key).set_value("char").run()
    assert {m.label: m.value for m in at.metric}["Median length"] != word_median
    assert "Tokens of the first text: t · h · e" in shown(at, "text")
    at.button(key=next(k for k in _keys(at, "button") if k.startswith("use_text_"))).click().run()
    assert at.session_state["chosen_dataset"].options == {
        **REVIEW_COLUMNS,
        "tokenizer_mode": "char",
    }


def test_earlier_text_upload_can_be_reopened(workspace):
    upload_text(open_app(), csv_bytes(review_frame()), name="first.csv")
    at = open_app()
    at.radio(key="data_source").set_value("Upload a text CSV").run()
    earlier = at.selectbox(key="text_earlier")
    assert any(option.startswith("first.csv") for option in earlier.options)
    earlier.set_value(earlier.options[1]).run()
    assert "80 texts, 2 labels" in shown(at, "markdown")


def _frame(texts: list[str], labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"text": texts, "label": labels})


BASE = review_frame(40)
BAD_INPUTS = {
    "empty texts": (
        _frame([*BASE["review"], "", "   "], [*BASE["sentiment"], "pos", "neg"]),
        "warning",
        "empty or only spaces",
    ),
    "single-example label": (
        _frame([*BASE["review"], "a lonely review"], [*BASE["sentiment"], "rare"]),
        "warning",
        "single example ('rare')",
    ),
    "very long texts": (
        _frame([*BASE["review"], *["word " * 400] * 3], [*BASE["sentiment"], "pos", "neg", "pos"]),
        "info",
        "longer than",
    ),
    "mostly numbers": (
        _frame([str(1000 + i) if i % 4 else f"note {i}" for i in range(40)], ["a", "b"] * 20),
        "error",
        "mostly numbers",
    ),
    "hundreds of labels": (
        _frame(
            [f"text number {i} about things" for i in range(400)],
            [f"L{i % 200}" for i in range(400)],
        ),
        "error",
        "200 distinct labels",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_text_input_shows_a_clear_message(workspace, case):
    frame, kind, message = BAD_INPUTS[case]
    at = upload_text(open_app(), csv_bytes(frame))
    assert not at.exception
    assert message in shown(at, kind), shown(at, kind)


def test_not_utf8_bytes_are_read_with_a_note(workspace):
    frame = _frame([f"café crème n°{i} très {'bon' if i % 2 else 'mauvais'}" for i in range(30)],
                   ["pos", "neg"] * 15)  # fmt: skip
    at = upload_text(open_app(), csv_bytes(frame, "cp1252"))
    assert not at.exception and not at.error
    assert "UTF-8" in shown(at, "info") or "1252" in shown(at, "info")
    assert "30 texts, 2 labels" in shown(at, "markdown")


def test_gbk_bytes_are_refused_with_how_to_fix(workspace):
    frame = _frame(["这本书很好看，推荐", "太差了，不推荐购买"] * 10, ["好", "差"] * 10)
    at = upload_text(open_app(), csv_bytes(frame, "gbk"))
    assert not at.exception
    assert "CSV UTF-8" in shown(at, "error")


def test_binary_file_is_refused(workspace):
    at = upload_text(open_app(), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert not at.exception
    assert "Could not read" in shown(at, "error")
    assert not list((workspace / "datasets").glob("*/source.csv"))


def test_emoji_and_mixed_scripts_survive_into_the_summary(workspace):
    frame = _frame(["好看 👍🏽 great", "难看 👎 awful", "很好 👍🏽 nice", "无聊 👎 dull"] * 5,
                   ["pos", "neg"] * 10)  # fmt: skip
    at = upload_text(open_app(), csv_bytes(frame))
    assert not at.exception and not at.error
    assert "👍🏽" in shown(at, "text")


@pytest.fixture(scope="module")
def text_runs(tmp_path_factory):
    """A finished tiny run of each text kind in one workspace, trained once."""
    store = RunStore(tmp_path_factory.mktemp("text_pages") / "ws")
    ref = upload_reviews(store.workspace, review_frame())
    runs = {}
    for model in ("transformer", "rnn", "tfidf_logreg"):
        params = {**TINY_TEXT_PARAMS, "epochs": 1, "validation_split": 0.0}
        spec = RunSpec(ref, model, params, dataset_options=REVIEW_COLUMNS)
        runs[model] = train_now(store, spec)
    return store, runs


@pytest.fixture
def explore(text_runs, monkeypatch):
    """Opens Explore on a run; the UMAP view (another slice, its own service) is left out."""
    import dashboard.views as views

    store, runs = text_runs
    without_umap = [view for view in views.VIEWS if view.title != "Embedding (UMAP)"]
    monkeypatch.setattr(views, "VIEWS", without_umap)
    with app_workspace(store.workspace):
        yield lambda model: (runs[model], open_explore(runs[model]))


def test_explore_transformer_run_shows_attention(explore):
    run_id, at = explore("transformer")
    assert not at.exception, at.exception
    tabs = tab_labels(at)
    assert {"Training curves", "Confusion & metrics", "Attention", "Try a sentence"} <= set(tabs)
    assert "Token saliency" not in tabs
    at = open_tab(at, "Attention")
    assert not at.exception, at.exception
    assert "[CLS] itself receives" in shown(at, "caption")
    heatmaps = [c for c in at.get("plotly_chart") if c.key == f"att_{run_id}_heatmap"]
    assert len(heatmaps) == 1
    at.selectbox(key=f"att_{run_id}_head").set_value(1).run()
    assert not at.exception
    highlight = " ".join(element.proto.body for element in at.get("html"))
    assert "<span" in highlight and "Attention each token receives" in highlight
    wrong = at.toggle(key=f"att_wrong_{run_id}")
    if not wrong.disabled:
        wrong.set_value(True).run()
        assert not at.exception
        options = at.selectbox(key=f"att_row_{run_id}").options
        assert options and all("✗" in option for option in options)


def test_confusion_cell_lists_the_texts(explore):
    _, at = explore("transformer")
    at = open_tab(at, "Confusion & metrics")
    cell_samples = table_with(at, "confidence")
    assert "text" in cell_samples.columns and "confidence" in cell_samples.columns
    assert cell_samples["text"].str.contains("id").all()


def test_typed_sentence_gets_probabilities_and_attention(explore):
    run_id, at = explore("transformer")
    at = open_tab(at, "Try a sentence")
    at.text_area(key=f"pred_{run_id}_text").input("I love this book 好看 👍").run()
    assert not at.exception
    keys = {chart.key for chart in at.get("plotly_chart")}
    assert {f"pred_{run_id}_proba", f"pred_{run_id}_heatmap"} <= keys
    at.text_area(key=f"pred_{run_id}_text").input("   ").run()
    assert "Type a sentence" in shown(at, "info")


def test_explore_rnn_run_shows_saliency_not_attention(explore, text_runs):
    from models.model_io import shared_keras
    from models.text.probes import _SALIENCY_FUNCTIONS

    run_id, at = explore("rnn")
    assert not at.exception, at.exception
    assert "Token saliency" in tab_labels(at) and "Attention" not in tab_labels(at)
    # Opening the run started loading its model and tracing its saliency in the background.
    model = shared_keras(text_runs[0].run_dir(run_id))
    deadline = time.monotonic() + 60
    while model not in _SALIENCY_FUNCTIONS and time.monotonic() < deadline:
        time.sleep(0.1)
    assert model in _SALIENCY_FUNCTIONS, "the first tab started the warm-up"
    for thread in threading.enumerate():
        if thread.name == "glassbox-warm-up":
            thread.join(timeout=60)
    assert _SALIENCY_FUNCTIONS[model].experimental_get_tracing_count() == 1
    at = open_tab(at, "Token saliency")
    assert not at.exception, at.exception
    top = table_with(at, "saliency")
    assert list(top.columns) == ["position", "token", "saliency"]
    assert _SALIENCY_FUNCTIONS[model].experimental_get_tracing_count() == 1, "view reused it"


def test_explore_baseline_has_no_curves_and_explains_predictions(explore):
    run_id, at = explore("tfidf_logreg")
    assert not at.exception, at.exception
    tabs = tab_labels(at)
    assert {"Confusion & metrics", "Try a sentence"} <= set(tabs)
    assert not {"Training curves", "Attention", "Token saliency"} & set(tabs)
    at = open_tab(at, "Try a sentence")
    at.text_area(key=f"pred_{run_id}_text").input("the book was wonderful and excellent").run()
    terms = table_with(at, "contribution")
    assert "wonderful" in set(terms["term"])
