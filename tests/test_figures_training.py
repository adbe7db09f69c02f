"""Learning-curve figure: panels per metric family, split styling, empty history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.figures.training import EMPTY_MESSAGE, metric_families, training_curves


def _history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "epoch": [3, 1, 2],
            "loss": [0.5, 1.0, 0.7],
            "val_loss": [0.6, np.nan, 0.8],
            "accuracy": [0.8, 0.5, 0.7],
            "val_accuracy": [0.75, 0.45, 0.6],
            "mae": [0.1, 0.3, 0.2],
            "val_mae": [0.15, 0.35, 0.25],
            "lr": [1e-3, 1e-3, 1e-3],
        }
    )


def test_families_order_loss_accuracy_then_paired_extras_only() -> None:
    families = metric_families(_history())
    assert families == [
        ("loss", "loss", "val_loss"),
        ("accuracy", "accuracy", "val_accuracy"),
        ("mae", "mae", "val_mae"),
    ]


def test_one_trace_per_series_with_split_styles_and_sorted_epochs() -> None:
    fig = training_curves(_history())
    assert len(fig.data) == 6
    by_axis = {}
    for trace in fig.data:
        by_axis.setdefault(trace.yaxis, []).append(trace)
    assert len(by_axis) == 3  # one subplot per family
    for trace in fig.data:
        if trace.name == "train":
            assert trace.line.dash == "solid"
        else:
            assert trace.name == "validation" and trace.line.dash == "dash"
    colors = {(t.name, t.line.color) for t in fig.data}
    assert len(colors) == 2  # the same colour per split in every panel
    assert sum(bool(t.showlegend) for t in fig.data) == 2  # legend once per split
    train_loss = fig.data[0]
    assert list(train_loss.x) == [1, 2, 3]
    assert list(train_loss.y) == [1.0, 0.7, 0.5]
    val_loss = fig.data[1]
    assert list(val_loss.x) == [2, 3]  # the NaN epoch is dropped, not drawn as zero


def test_validation_only_loss_still_gets_a_panel() -> None:
    fig = training_curves(pd.DataFrame({"epoch": [1, 2], "val_loss": [1.0, 0.5]}))
    assert [t.name for t in fig.data] == ["validation"]


def test_empty_history_says_so() -> None:
    for history in (pd.DataFrame(), pd.DataFrame({"epoch": [], "loss": []})):
        fig = training_curves(history)
        assert len(fig.data) == 0
        assert fig.layout.annotations[0].text == EMPTY_MESSAGE
    fig = training_curves(pd.DataFrame({"epoch": [1], "loss": [np.nan]}))
    assert fig.layout.annotations[0].text == EMPTY_MESSAGE


def test_epoch_ticks_are_whole_and_at_most_ten() -> None:
    short = training_curves(_history()).layout
    assert (short.xaxis.dtick, short.xaxis.tick0) == (1, 1)
    long = pd.DataFrame({"epoch": range(1, 41), "loss": np.linspace(1, 0.1, 40)})
    axis = training_curves(long).layout.xaxis
    assert (axis.dtick, axis.tick0, axis.tickformat) == (4, 0, "d")  # 0, 4, …, 40
