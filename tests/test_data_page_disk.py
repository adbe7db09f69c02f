"""The Data page's "A file or folder on this machine" through AppTest: the listing, the
preview before any full read, the streamed counts, the target's class balance, refusals."""

from __future__ import annotations

import base64
import time

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data_page.disk_table import _jobs
from dashboard.data_page.sources import DISK_SOURCE
from data.bigtable.sources import DATA_ROOTS_ENV
from tests.apptest_helpers import chart_specs, open_app, shown


@pytest.fixture
def data_folder(workspace, monkeypatch):
    monkeypatch.delenv(DATA_ROOTS_ENV, raising=False)
    folder = workspace / "data"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    labels = np.repeat(["yes", "no"], [700, 300])
    rng.shuffle(labels)
    frame = pd.DataFrame(
        {
            "age": np.round(rng.normal(40, 9, 1000), 1),
            "colour": rng.choice(["red", "blue", "green"], 1000),
            "bought": labels,
        }
    )
    frame.loc[:49, "age"] = np.nan  # 50 gaps, counted over every row
    frame.to_csv(folder / "shop.csv", index=False)
    (workspace / "outside.csv").write_text("a,b\n1,2\n")
    return folder


def plotted(values) -> list:
    """A trace's numbers, which Plotly may send base64-encoded."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def disk_page() -> AppTest:
    at = open_app()
    return at.radio(key="data_source").set_value(DISK_SOURCE).run()


def until_counted(at: AppTest) -> AppTest:
    """The pass runs in a thread of the app; the page polls it (a fragment AppTest does
    not re-run by itself), so rerun until its progress bar is gone. (Late in the full suite
    this took half a minute: the page started a failed pass again on the rerun meant to
    show its error, so the error showed only if the new pass failed within that rerun.)"""
    deadline = time.monotonic() + 180
    while at.get("progress"):
        if time.monotonic() > deadline:
            raise AssertionError("the counting pass did not finish")
        time.sleep(0.25)
        at.run()
    return at


def test_a_table_in_the_data_folder_is_previewed_counted_and_chosen(data_folder):
    at = disk_page()
    assert at.selectbox(key="disk_choice").options == ["shop.csv"]
    at = at.selectbox(key="disk_choice").set_value("shop.csv").run()
    assert not at.exception
    assert "CSV" in shown(at, "markdown") and "3 columns" in shown(at, "markdown")
    assert len(at.dataframe[0].value) == 50  # the first rows, before any full pass
    at = until_counted(at)
    assert "1,000 rows" in shown(at, "markdown")
    types = next(t.value for t in at.dataframe if "role" in t.value.columns).set_index("column")
    assert types.loc["age", "missing"] == 50 and types.loc["age", "role"] == "numeric"
    target = at.selectbox(key="disk_target_path:shop.csv")
    assert target.value == "bought"
    balance = next(spec for spec in chart_specs(at) if "Class balance" in str(spec["layout"]))
    counts = dict(zip(balance["data"][0]["x"], plotted(balance["data"][0]["y"]), strict=True))
    assert counts == {"yes": 700, "no": 300}
    at.button(key="use_disk_table").click().run()
    assert "Selected for training: **shop.csv (tabular, target bought)**" in at.success[0].value


def test_paths_outside_the_data_folders_are_refused_with_a_message(data_folder):
    at = disk_page()
    at = at.text_input(key="disk_path").set_value("../outside.csv").run()
    assert not at.exception
    assert "outside.csv" in at.error[0].value and "data folder" in at.error[0].value
    at = at.text_input(key="disk_path").set_value("nothing_here.csv").run()
    assert "There is no file or folder 'nothing\\_here.csv'" in at.error[0].value
    assert not at.button  # nothing to train on


def test_an_empty_file_says_so(data_folder):
    (data_folder / "empty.csv").write_bytes(b"")
    at = disk_page()
    at = at.text_input(key="disk_path").set_value("empty.csv").run()
    assert not at.exception
    assert "empty" in at.error[0].value.lower()


def test_a_ragged_csv_says_its_line_and_can_be_read_skipping_it(data_folder):
    from tests.bigtable_files import numbered_csv

    numbered_csv(data_folder / "ragged.csv", 500, ragged_line=301)
    at = disk_page()
    at = until_counted(at.text_input(key="disk_path").set_value("ragged.csv").run())
    assert not at.exception
    assert "Line 301 of 'ragged.csv' has 4 fields" in at.error[0].value
    failed = list(_jobs().values())
    at = at.run().run()  # later reruns show the failure; they do not read the file again
    assert list(_jobs().values()) == failed and failed[0].error is not None
    assert not at.get("progress") and "Line 301" in at.error[0].value
    at = until_counted(at.checkbox(key="disk_skip_path:ragged.csv").check().run())
    assert not at.error
    assert "Skipped 1 line(s)" in shown(at, "info") and "499 rows" in shown(at, "markdown")
    at.selectbox(key="disk_target_path:ragged.csv").set_value("label").run()
    at.button(key="use_disk_table").click().run()
    chosen = at.session_state["chosen_dataset"]
    assert chosen.ref == "path:ragged.csv"
    assert chosen.options == {"target": "label", "bad_lines": "skip"}


def test_an_upload_over_the_limit_points_to_the_data_folders():
    from data.csv_loader import read_csv_bytes
    from data.dataset import DatasetError

    with pytest.raises(DatasetError) as refused:
        read_csv_bytes(b"a,b\n1,2\n" * 10, max_bytes=20)
    said = str(refused.value)
    assert "over the" in said and "upload limit" in said
    assert "GLASSBOX_DATA_ROOTS" in said and f"'{DISK_SOURCE}'" in said
