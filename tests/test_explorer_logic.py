"""The explorer's pure parts: selection → rows → table → CSV, colours, links, the point cap."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import dashboard.views.confusion_links as links
from dashboard.explore.context import ExploreContext
from dashboard.modality.text import TEXT_LENGTH
from dashboard.views.embedding.colour import COLUMN_PREFIX, colour_options, colour_values
from dashboard.views.embedding.points import hover_columns, hover_frame, shown_rows
from dashboard.views.embedding.selection import (
    selected_rows,
    selection_cells,
    selection_table,
    table_csv,
)
from data.dataset import Dataset, TabularData, TextData
from models.artifacts import RunResults

NAMES = ["ant", "bee", "cat"]


def _results(y_true, y_pred, proba=None, task="classification", test_index=None) -> RunResults:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    index = np.arange(len(y_true)) * 2 if test_index is None else test_index
    return RunResults(task, NAMES, index, y_true, y_pred, proba, ["hidden"], [])


@pytest.fixture
def ctx() -> ExploreContext:
    """Six test samples: rows 0, 2, ..., 10 of a 12-row table (the target is 'kind')."""
    frame = pd.DataFrame(
        {
            "size": np.arange(12) * 1.5,
            "colour": ["red", "blue"] * 6,
            "serial": [f"id-{k}" for k in range(12)],  # 12 distinct strings: still few enough
            "kind": [NAMES[k % 3] for k in range(12)],
        }
    )
    proba = np.array(
        [
            [0.9, 0.05, 0.05],
            [0.2, 0.5, 0.3],
            [0.1, 0.1, 0.8],
            [0.6, 0.3, 0.1],
            [0.3, 0.6, 0.1],
            [0.2, 0.2, 0.6],
        ]
    )
    results = _results([0, 1, 2, 0, 1, 2], proba.argmax(axis=1), proba)
    dataset = Dataset("upload:x", "toy", TabularData(frame, "kind"))
    return ExploreContext(SimpleNamespace(id="r1"), None, results, dataset, pd.DataFrame())


def _event(*ids) -> dict:
    points = [{"curve_number": 0, "customdata": [i, "hover text"]} for i in ids]
    return {"selection": {"points": points, "point_indices": [], "box": [], "lasso": []}}


def test_selected_rows_are_the_sorted_unique_point_ids():
    assert selected_rows(_event(5, 1, 5, 3)).tolist() == [1, 3, 5]
    assert selected_rows(None).tolist() == []
    assert selected_rows({"selection": {"points": []}}).tolist() == []
    assert selected_rows({"selection": {"points": [{"x": 1.0}]}}).tolist() == []  # no id


def test_selection_table_lists_samples_with_verdicts_least_confident_first(ctx):
    table = selection_table(ctx, selected_rows(_event(0, 1, 3)))
    assert table["test row"].tolist() == [1, 3, 0]  # confidence 0.5, 0.6, 0.9
    assert table["dataset row"].tolist() == [2, 6, 0]
    assert table["true"].tolist() == ["bee", "ant", "ant"]
    assert table["predicted"].tolist() == ["bee", "ant", "ant"]
    assert table["size"].tolist() == [3.0, 9.0, 0.0]  # the rows' own values come along


def test_selection_csv_round_trips(ctx):
    table = selection_table(ctx, np.array([2, 4]))
    back = pd.read_csv(io.BytesIO(table_csv(table)))
    assert list(back.columns) == list(table.columns)
    assert back["true"].tolist() == table["true"].tolist()
    assert back["confidence"].tolist() == pytest.approx(table["confidence"].tolist())


def test_selection_cells_count_true_by_predicted(ctx):
    cells = selection_cells(ctx, np.array([0, 1, 3, 5]))
    # predictions: row0 ant→ant, row1 bee→bee, row3 ant→ant, row5 cat→cat
    assert cells.loc["ant", "ant"] == 2 and cells.loc["bee", "bee"] == 1
    assert cells.loc["cat", "cat"] == 1 and cells.to_numpy().sum() == 4


def test_colour_options_include_verdicts_and_usable_data_columns(ctx):
    options = colour_options(ctx)
    assert options[:4] == ["true label", "predicted label", "correct vs wrong", "confidence"]
    assert {COLUMN_PREFIX + "size", COLUMN_PREFIX + "colour"} <= set(options)
    assert COLUMN_PREFIX + "kind" not in options  # the target is a verdict, not a column


def test_colour_by_a_data_column_follows_the_shown_rows(ctx):
    values, name = colour_values(ctx, COLUMN_PREFIX + "size", np.array([1, 4]))
    assert name == "size" and list(values) == [3.0, 12.0]
    values, _ = colour_values(ctx, "correct vs wrong", np.arange(6))
    assert list(values) == ["correct"] * 6
    values, _ = colour_values(ctx, "confidence", np.array([0, 4]))
    assert list(values) == pytest.approx([0.9, 0.6])


def test_text_runs_can_be_coloured_by_text_length():
    texts = np.array(["a", "bb", "ccc", "dddd"], dtype=object)
    dataset = Dataset("builtin:t", "t", TextData(texts, np.array([*NAMES, "ant"])))
    results = _results([0, 1], [0, 1], test_index=np.array([3, 1]))
    ctx = ExploreContext(SimpleNamespace(id="t"), None, results, dataset, pd.DataFrame())
    assert COLUMN_PREFIX + TEXT_LENGTH in colour_options(ctx)
    values, _ = colour_values(ctx, COLUMN_PREFIX + TEXT_LENGTH, np.array([0, 1]))
    assert list(values) == [4, 2]


def test_confusion_cells_and_their_rows():
    results = _results([0, 0, 1, 2, 2], [0, 1, 1, 0, 0])
    cells = links.confusion_cells(results)
    assert list(cells) == [
        links.ALL_WRONG,
        "ant → ant (1)",
        "ant → bee (1)",
        "bee → bee (1)",
        "cat → ant (2)",
    ]
    assert links.cell_rows(results, cells["cat → ant (2)"]).tolist() == [3, 4]
    assert links.cell_rows(results, None).tolist() == [1, 3, 4]


def test_highlight_mask_marks_the_cells_points_among_those_shown():
    results = _results([0, 0, 1, 2, 2], [0, 1, 1, 0, 0])
    mask = links.highlight_mask(results, "cat → ant (2)", np.array([0, 3, 4]))
    assert mask.tolist() == [False, True, True]
    assert links.highlight_mask(results, links.NOTHING, np.arange(5)) is None
    assert links.highlight_mask(results, "a cell that no longer exists", np.arange(5)) is None


def test_confusion_counts_match_scikit_learn():
    from sklearn.metrics import confusion_matrix

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 500), rng.integers(0, 4, 500)
    expected = confusion_matrix(y_true, y_pred, labels=range(4))
    assert (links.confusion_counts(y_true, y_pred, 4) == expected).all()


def test_shown_rows_cap_big_test_sets_reproducibly():
    assert shown_rows(50, cap=100).tolist() == list(range(50))
    rows = shown_rows(250_000)
    assert len(rows) == 100_000 and len(np.unique(rows)) == 100_000
    assert (np.diff(rows) > 0).all() and rows.max() < 250_000
    assert (shown_rows(250_000) == rows).all()


def test_hover_shows_the_verdict_then_the_rows_values(ctx):
    hover = hover_frame(ctx, np.array([1, 4]))
    assert list(hover.columns) == [
        "dataset row",
        "true",
        "predicted",
        "confidence",
        "size",
        "colour",
        "serial",
    ]
    assert hover["serial"].tolist() == ["id-2", "id-8"]
    assert hover_columns(500) == 12 and hover_columns(100_000) == 6  # big maps carry less
