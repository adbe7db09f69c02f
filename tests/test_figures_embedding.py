"""Projection scatter: traces per category, ids in customdata, highlighting, scale, animation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.embedding import (
    FADED_OPACITY,
    MAX_HOVER_CHARS,
    embedding_figure,
    embedding_frames_figure,
    is_categorical,
)


@pytest.fixture
def points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(60, 2)), np.array(["b", "a", "c"] * 20)


def _ids_by_trace(fig) -> list[np.ndarray]:
    return [np.asarray(t.customdata)[:, 0].astype(int) for t in fig.data]


def test_categorical_colour_gives_one_trace_per_category(points) -> None:
    coords, labels = points
    fig = embedding_figure(coords, labels, "label")
    assert [t.name for t in fig.data] == ["a", "b", "c"]
    assert all(t.type == "scattergl" for t in fig.data)
    assert len({t.marker.color for t in fig.data}) == 3
    assert fig.layout.dragmode == "lasso"


def test_customdata_first_element_is_point_id_and_coords_match(points) -> None:
    coords, labels = points
    ids = np.arange(100, 160)
    fig = embedding_figure(coords, labels, "label", point_ids=ids)
    for trace, trace_ids in zip(fig.data, _ids_by_trace(fig), strict=True):
        rows = trace_ids - 100
        assert set(labels[rows]) == {trace.name}
        np.testing.assert_allclose(trace.x, coords[rows, 0], rtol=1e-6)
        np.testing.assert_allclose(trace.y, coords[rows, 1], rtol=1e-6)
    assert sorted(np.concatenate(_ids_by_trace(fig))) == list(ids)


def test_numeric_colour_is_one_trace_with_colour_axis() -> None:
    rng = np.random.default_rng(1)
    values = rng.random(50)
    fig = embedding_figure(rng.normal(size=(50, 2)), values, "confidence")
    assert len(fig.data) == 1
    np.testing.assert_allclose(fig.data[0].marker.color, values)
    assert fig.data[0].marker.coloraxis == "coloraxis"
    assert fig.layout.coloraxis.colorbar.title.text == "confidence"
    assert "marker.color" in fig.data[0].hovertemplate


def test_small_integer_codes_are_categories_many_are_numeric() -> None:
    assert is_categorical(pd.Series(np.arange(100) % 10))
    assert not is_categorical(pd.Series(np.arange(100)))
    assert is_categorical(pd.Series([True, False]))
    assert not is_categorical(pd.Series([0.5, 1.5]))


def test_integer_categories_sort_numerically() -> None:
    labels = np.array([10, 2, 1] * 5)
    fig = embedding_figure(np.zeros((15, 2)), labels, "digit")
    assert [t.name for t in fig.data] == ["1", "2", "10"]


def test_three_columns_give_scatter3d(points) -> None:
    coords3 = np.random.default_rng(2).normal(size=(60, 3))
    fig = embedding_figure(coords3, points[1], "label")
    assert {t.type for t in fig.data} == {"scatter3d"}
    np.testing.assert_allclose(
        sorted(np.concatenate([t.z for t in fig.data])), sorted(coords3[:, 2]), rtol=1e-6
    )


def test_highlight_fades_the_rest_and_draws_matches_on_top(points) -> None:
    coords, labels = points
    mask = np.zeros(60, dtype=bool)
    mask[[0, 5, 7]] = True
    fig = embedding_figure(coords, labels, "label", highlight=mask)
    faded = [t for t in fig.data if t.marker.opacity == FADED_OPACITY]
    strong = [t for t in fig.data if t.marker.opacity == 1.0]
    assert faded and strong
    assert fig.data.index(strong[0]) > fig.data.index(faded[-1])
    strong_ids = np.concatenate([np.asarray(t.customdata)[:, 0] for t in strong])
    faded_ids = np.concatenate([np.asarray(t.customdata)[:, 0] for t in faded])
    assert sorted(strong_ids) == [0, 5, 7]
    assert len(faded_ids) == 57 and not set(faded_ids) & {0, 5, 7}
    assert strong[0].marker.size > faded[0].marker.size
    legend_names = [t.name for t in fig.data if t.showlegend]
    assert sorted(legend_names) == ["a", "b", "c"]  # one legend entry per category


def test_hover_columns_escaped_truncated_and_after_id(points) -> None:
    coords, labels = points
    hover = pd.DataFrame(
        {"text": ["<script>x</script>" + "y" * 200] * 60, "p": np.linspace(0, 1, 60)}
    )
    fig = embedding_figure(coords, labels, "label", hover=hover)
    trace = fig.data[0]
    row = trace.customdata[0]
    assert "<script>" not in row[1] and row[1].startswith("&lt;script&gt;")
    assert len(row[1]) <= MAX_HOVER_CHARS + 20  # entities lengthen the visible 80 characters
    assert row[2] == f"{hover['p'][int(row[0])]:.4g}"
    assert "<b>text</b>: %{customdata[1]}" in trace.hovertemplate


def test_bad_shapes_raise(points) -> None:
    coords, labels = points
    with pytest.raises(ValueError, match="coords"):
        embedding_figure(coords[:, :1], labels, "label")
    with pytest.raises(ValueError, match="color"):
        embedding_figure(coords, labels[:10], "label")


def test_hundred_thousand_points_serialise_to_json() -> None:
    rng = np.random.default_rng(3)
    n = 100_000
    labels = rng.integers(0, 10, n)
    hover = pd.DataFrame({"label": labels.astype(str), "confidence": rng.random(n)})
    fig = embedding_figure(
        rng.normal(size=(n, 2)), labels, "digit", hover=hover, highlight=labels == 3
    )
    payload = json.loads(fig.to_json())
    assert len(payload["data"]) == 9 + 1  # nine faded categories plus the highlighted one
    assert sum(len(t["customdata"]) for t in payload["data"]) == n


def test_frames_have_epoch_slider_and_fixed_union_range() -> None:
    rng = np.random.default_rng(4)
    frames = [rng.normal(size=(30, 2)) * scale for scale in (1, 5, 2)]
    fig = embedding_frames_figure(frames, [1, 5, 10], np.array(["x", "y"] * 15), "label")
    assert [f.name for f in fig.frames] == ["epoch 1", "epoch 5", "epoch 10"]
    assert [s.label for s in fig.layout.sliders[0].steps] == ["epoch 1", "epoch 5", "epoch 10"]
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    low, high = fig.layout.xaxis.range
    all_x = np.concatenate([f[:, 0] for f in frames])
    assert low < all_x.min() and high > all_x.max()
    assert fig.layout.xaxis.autorange is False
    np.testing.assert_allclose(fig.frames[1].data[0].x, frames[1][0::2, 0], rtol=1e-6)
    with pytest.raises(ValueError):
        embedding_frames_figure(frames, [1, 2], np.zeros(30), "label")
