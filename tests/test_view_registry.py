"""Explore views are chosen by what a run can show, never by what its model is called.

The contexts here are fakes: no model key, no architecture, no framework, only
capabilities, a task and a kind of data, so a view that still looked at a name
could not pass.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard.explore.context import ExploreContext, run_capabilities
from dashboard.views import VIEWS, views_for
from dashboard.views.base import View
from dashboard.views.embedding.frames import missing_frames_note
from data.dataset import Dataset, ImageData, TabularData, TextData
from models import capabilities as caps
from models.artifacts import RunResults
from models.groups import CROSSVAL, SWEEP, Group

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["ant", "bee"]
DATA = {
    "tabular": TabularData(pd.DataFrame({"x": [1.0, 2.0], "y": NAMES}), "y"),
    "image": ImageData(np.zeros((2, 4, 4, 1), np.uint8), np.array(NAMES)),
    "text": TextData(np.array(["a b", "c d"], dtype=object), np.array(NAMES)),
}


def fake_context(
    capabilities: set[str],
    task: str | None = "classification",
    kind: str = "tabular",
    with_samples: bool = True,
) -> ExploreContext:
    """A run that is only its capabilities, task and kind of data: it has no model key."""
    results = None
    if task is not None:
        y = np.array([0, 1])
        results = RunResults(task, NAMES, np.arange(2), y, y, None, ["hidden"], [], {})
    dataset = Dataset("builtin:fake", "fake", DATA[kind]) if with_samples else None
    history = pd.DataFrame({"epoch": [1]}) if caps.CURVES in capabilities else pd.DataFrame()
    run = SimpleNamespace(id="r1")  # no spec: a view that read the model key would fail
    return ExploreContext(
        run, Path("/nonexistent"), results, dataset, history, frozenset(capabilities), kind
    )


def titles(ctx: ExploreContext) -> list[str]:
    return [view.title for view in views_for(ctx)]


def test_a_run_with_gradcam_gets_gradcam_whatever_its_model_is():
    ctx = fake_context({caps.GRADCAM}, kind="image")
    assert titles(ctx) == ["Confusion & metrics", "Grad-CAM"]
    assert "Grad-CAM" not in titles(fake_context(set(), kind="image"))
    assert "Grad-CAM" not in titles(fake_context({caps.GRADCAM}, kind="text"))


@pytest.mark.parametrize(
    ("capabilities", "task", "kind", "expected"),
    [
        (  # what a CNN declares
            {caps.CURVES, caps.FEATURES, caps.CONV_MAPS, caps.GRADCAM, caps.PREDICT_ONE},
            "classification",
            "image",
            [
                "Training curves",
                "Confusion & metrics",
                "Embedding (UMAP)",
                "Filters & activations",
                "Grad-CAM",
                "Predict an image",
            ],
        ),
        (  # a ViT
            {caps.CURVES, caps.IMAGE_ATTENTION, caps.PREDICT_ONE},
            "classification",
            "image",
            ["Training curves", "Confusion & metrics", "Attention (ViT)", "Predict an image"],
        ),
        (  # a text Transformer
            {caps.CURVES, caps.TOKEN_ATTENTION, caps.PREDICT_ONE},
            "classification",
            "text",
            ["Training curves", "Confusion & metrics", "Attention", "Try a sentence"],
        ),
        (  # an RNN
            {caps.TOKEN_SALIENCY, caps.PREDICT_ONE},
            "classification",
            "text",
            ["Confusion & metrics", "Token saliency", "Try a sentence"],
        ),
        (  # a table regressor: explanations, none of the classification views
            {caps.FEATURES},
            "regression",
            "tabular",
            ["Predictions", "Embedding (UMAP)", "Feature importance", "Row contributions"],
        ),
        (  # a tabular Transformer
            {caps.CURVES, caps.FEATURES, caps.TABLE_ATTENTION},
            "classification",
            "tabular",
            [
                "Training curves",
                "Confusion & metrics",
                "Embedding (UMAP)",
                "Feature importance",
                "Row contributions",
                "Column attention",
            ],
        ),
        ({caps.CURVES}, None, "tabular", ["Training curves"]),  # still running: no results yet
    ],
)
def test_the_page_shows_exactly_the_views_the_run_meets(capabilities, task, kind, expected):
    assert titles(fake_context(capabilities, task, kind)) == expected


def _meeting(view: View) -> ExploreContext:
    """A context that meets `view`'s declaration and nothing more (a two-class run in a
    cross-validation meets every view's further condition)."""
    ctx = fake_context(set(view.needs), view.task or "classification", view.modality or "tabular")
    return replace(ctx, group=CROSSVAL_GROUP)


CROSSVAL_GROUP = Group("g1", CROSSVAL, 0.0, "3-fold CV", {"k": 3})


def test_probabilities_bring_roc_and_calibration_two_classes_the_threshold_a_group_its_tab():
    ctx = fake_context({caps.PROBABILITIES})
    evaluation = ["ROC & precision-recall", "Threshold", "Calibration"]
    assert titles(ctx) == ["Confusion & metrics", *evaluation]
    three = replace(ctx, results=replace(ctx.results, class_names=["ant", "bee", "cat"]))
    assert "Threshold" not in titles(three) and "Calibration" in titles(three)
    assert titles(replace(ctx, group=CROSSVAL_GROUP))[-1] == "Cross-validation"
    sweep = Group("g2", SWEEP, 0.0, "sweep", {})
    assert "Cross-validation" not in titles(replace(ctx, group=sweep))
    regression = fake_context({caps.PROBABILITIES}, "regression")
    assert not set(evaluation) & set(titles(regression))


@pytest.mark.parametrize("view", VIEWS, ids=[view.title for view in VIEWS])
def test_each_view_appears_iff_its_needs_are_met(view):
    assert view.applies(_meeting(view))
    for need in view.needs:
        ctx = _meeting(view)
        missing = replace(ctx, capabilities=ctx.capabilities - {need})
        assert not view.applies(missing), f"{view.title} without {need}"
    if view.task is not None:
        other = "regression" if view.task == "classification" else "classification"
        assert not view.applies(fake_context(set(view.needs), other, view.modality or "tabular"))
    if view.needs_samples:
        ctx = fake_context(set(view.needs), view.task, view.modality or "tabular", False)
        assert not view.applies(ctx)


def test_a_view_must_name_known_capabilities():
    with pytest.raises(ValueError, match="unknown capabilities: gradcan"):
        View("Typo", lambda ctx: None, needs=frozenset({"gradcan"}))


def test_the_feature_space_frames_invite_snapshots_only_where_the_model_can_keep_them():
    assert missing_frames_note(fake_context({caps.FEATURES})) is None
    note = missing_frames_note(fake_context({caps.FEATURES, caps.SNAPSHOTS}))
    assert "feature_snapshots" in note


def _run(model: str) -> SimpleNamespace:
    return SimpleNamespace(id="r1", spec=SimpleNamespace(model=model))


def test_run_capabilities_come_from_meta_history_and_the_saved_model(tmp_path):
    meta = {"task": "classification", "model_file": "model.keras", "feature_layers": ["h"]}
    meta["capabilities"] = [caps.FEATURES, caps.GRADCAM, caps.CURVES]
    y = np.array([0, 1])
    results = RunResults("classification", NAMES, np.arange(2), y, y, None, ["h"], [], meta)
    no_history = pd.DataFrame()
    # the saved model is gone: only what the stored results show is left
    assert run_capabilities(_run("x"), tmp_path, results, no_history) == {caps.FEATURES}
    (tmp_path / "model.keras").write_bytes(b"")
    found = run_capabilities(_run("x"), tmp_path, results, pd.DataFrame({"epoch": [1]}))
    assert found == {caps.FEATURES, caps.GRADCAM, caps.CURVES}
    assert run_capabilities(_run("x"), tmp_path, None, no_history) == frozenset()


def test_runs_saved_before_capabilities_keep_their_views(tmp_path):
    meta = {"task": "classification", "model_file": "model.keras", "architecture": "cnn"}
    y = np.array([0, 1])
    results = RunResults("classification", NAMES, np.arange(2), y, y, None, [], [], meta)
    (tmp_path / "model.keras").write_bytes(b"")
    found = run_capabilities(_run("cnn"), tmp_path, results, pd.DataFrame())
    assert {caps.CONV_MAPS, caps.GRADCAM, caps.PREDICT_ONE} <= found


def _source(folder: str) -> dict[Path, str]:
    return {path: path.read_text() for path in (ROOT / folder).rglob("*.py")}


def test_no_view_names_a_model_key_an_architecture_or_a_framework():
    from models.registry import MODEL_KINDS

    keys = "|".join(map(re.escape, MODEL_KINDS))
    forbidden = re.compile(rf"""["']({keys})["']|architecture|get_kind|framework|spec\.model""")
    found = {
        path.relative_to(ROOT).as_posix(): match.group(0)
        for path, text in _source("dashboard/views").items()
        if (match := forbidden.search(text))
    }
    assert found == {}


def test_only_the_modality_adapters_test_the_kind_of_data():
    branch = re.compile(r"\b(dataset|data)\.kind\s*(==|!=|in\b)")
    found = [
        path.relative_to(ROOT).as_posix()
        for path, text in _source("dashboard").items()
        if "modality" not in path.parts and branch.search(text)
    ]
    assert found == []
