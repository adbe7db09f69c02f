"""The Data page through AppTest, as a new user meets it: which dataset is selected, a text
CSV uploaded as a table, the proposed target, the column types, greyscale images, and
renaming and deleting uploads."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import streamlit
from PIL import Image
from streamlit.testing.v1 import AppTest

from data.dataset_store import list_uploads, save_upload
from models.jobs import JobManager
from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import chart_specs, open_app, shown
from tests.factories import blobs_csv, train_now


def upload(at: AppTest, name: str, payload: bytes) -> AppTest:
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    return at.file_uploader(key="csv_upload").set_value((name, payload, "text/csv")).run()


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def target_box(at: AppTest):
    return next(box for box in at.selectbox if (box.key or "").startswith("target_upload:"))


def test_a_new_upload_is_never_shown_as_the_selected_dataset(workspace):
    at = upload(open_app(), "first.csv", blobs_csv(seed=0))
    at.button(key="use_dataset").click().run()
    assert "first.csv" in at.success[0].value
    second = ("second.csv", blobs_csv(seed=1), "text/csv")
    at = at.file_uploader(key="csv_upload").set_value(second).run()
    assert not at.exception
    assert not [s for s in at.success if "Selected for training" in s.value]
    warning = " ".join(w.value for w in at.warning)
    assert "first.csv" in warning and "not the file shown above" in warning
    at.button(key="switch_selection").click().run()
    assert "second.csv" in at.success[0].value and not at.warning


def review_table(rows: int = 60) -> pd.DataFrame:
    """Reviews long enough to read as free text, and their sentiment."""
    rng = np.random.default_rng(0)
    good, bad = ["great", "lovely", "superb"], ["dull", "awful", "poor"]
    texts, labels = [], []
    for index in range(rows):
        words = good if index % 2 else bad
        picked = rng.choice(words, size=2)
        texts.append(
            f"the story was {picked[0]} and the ending felt {picked[1]} to me, copy {index}"
        )
        labels.append("pos" if index % 2 else "neg")
    return pd.DataFrame({"review": texts, "sentiment": labels})


def test_a_text_csv_uploaded_as_a_table_is_sent_to_the_text_upload_before_training(workspace):
    at = upload(open_app(), "reviews.csv", csv(review_table()))
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "'review' is free text" in message and "open this file as a text CSV" in message
    assert "Text page" not in message
    assert not [b for b in at.button if b.key == "use_dataset"], "nothing to train a table on"
    at.button(key="open_as_text").click().run()
    assert not at.exception
    assert at.radio(key="data_source").value == "Upload a text CSV"
    assert "60 texts, 2 labels" in shown(at, "markdown")


def test_a_text_csv_trained_as_a_table_fails_with_words_not_class_names(workspace):
    ref = save_upload(workspace, "tabular", "reviews.csv", {"source.csv": csv(review_table())})
    store = RunStore(workspace)
    run = store.get(
        train_now(store, RunSpec(ref, "logreg", {}, dataset_options={"target": "sentiment"}))
    )
    assert run.status == "failed"
    assert "Error" not in run.error and "Text page" not in run.error
    assert "text CSV on the Data page" in run.error
    assert "DatasetError" in run.traceback  # the details are kept, beside the message


@pytest.mark.parametrize(
    ("frame", "target", "why"),
    [
        (  # penguins: the class is named, and comes first
            pd.DataFrame(
                {
                    "species": ["Adelie", "Gentoo", "Chinstrap"] * 20,
                    "island": ["Biscoe", "Dream", "Torgersen", "Dream"] * 15,
                    "bill_length_mm": np.linspace(32, 59, 60),
                    "sex": ["male", "female"] * 30,
                }
            ),
            "species",
            "its name",
        ),
        (  # a credit table ending in a price: the last column with few categories
            pd.DataFrame(
                {
                    "housing": ["own", "rent", "free"] * 20,
                    "age": np.arange(20, 80),
                    "good_payer": ["yes", "no", "no", "yes", "yes"] * 12,
                    "price": np.linspace(1000, 9000, 60).round(2),
                }
            ),
            "good_payer",
            "few categories",
        ),
    ],
)
def test_the_target_is_proposed_from_names_then_categories_and_the_reason_is_shown(
    workspace, frame, target, why
):
    at = upload(open_app(), "table.csv", csv(frame))
    assert not at.exception
    assert target_box(at).value == target
    assert why in shown(at, "caption")


def test_the_column_types_table_shows_every_column_and_a_single_gap_is_counted(
    workspace, monkeypatch
):
    drawn: dict[str, dict] = {}
    original = streamlit.dataframe

    def recording(data=None, *args, **kwargs):
        drawn[kwargs.get("key", "")] = kwargs
        return original(data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "dataframe", recording)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"feature_{i:02d}": rng.normal(size=4000) for i in range(13)})
    frame.loc[7, "feature_03"] = np.nan
    frame["label"] = np.where(frame["feature_00"] > 0, "up", "down")
    at = upload(open_app(), "wide.csv", csv(frame))
    assert not at.exception
    assert drawn["column_types"]["height"] >= 35 * 15, "all 14 columns without scrolling"
    assert not any(
        "missing_fraction" in table.value.columns for col in at.columns for table in col.dataframe
    ), "the column types are not squeezed into half the page"
    (missing,) = [s for s in chart_specs(at) if "rows missing" in str(s["layout"])]
    assert missing["data"][0]["text"] == ["1 row"]


def test_many_distinct_short_titles_are_text_to_leave_out_not_categories(workspace):
    rng = np.random.default_rng(0)
    titles = [f"The {w} of room {i}" for i, w in enumerate(rng.choice(["Night", "Sea"], 300))]
    frame = pd.DataFrame(
        {
            "title": rng.choice(titles, 420),
            "year": rng.integers(1900, 2000, 420),
            "genre": rng.choice(["drama", "comedy", "war"], 420),
        }
    )
    at = upload(open_app(), "museum.csv", csv(frame))
    types = next(t.value for t in at.dataframe if "role" in t.value.columns).set_index("column")
    assert types.loc["title", "role"] == "text"
    assert "'title' is free text" in shown(at, "info")
    assert "Left out of training: 'title' is free text" in shown(at, "caption")
    assert [b for b in at.button if b.key == "use_dataset"], "the year is still usable"


def grey_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for label, level in (("dark", 40), ("light", 210)):
            for index in range(6):
                image = Image.fromarray(np.full((20, 20), level + index, np.uint8), mode="L")
                png = io.BytesIO()
                image.save(png, format="PNG")
                archive.writestr(f"scans/{label}/{index}.png", png.getvalue())
    return buffer.getvalue()


def test_a_greyscale_image_set_is_read_as_greyscale_by_default(workspace):
    at = open_app()
    at.radio(key="data_source").set_value("Upload images").run()
    zipped = ("scans.zip", grey_zip(), "application/zip")
    at = at.file_uploader(key="image_zip_upload").set_value(zipped).run()
    assert not at.exception
    assert "12 images, 32×32 px greyscale, 2 classes" in shown(at, "markdown")
    assert "Every image is greyscale" in shown(at, "info")


@pytest.fixture
def stored(workspace, monkeypatch):
    monkeypatch.setattr(JobManager, "_start_queued", lambda self: None)
    ref = save_upload(workspace, "tabular", "old name.csv", {"source.csv": blobs_csv()})
    return RunStore(workspace), ref


def manage(at: AppTest, ref: str) -> AppTest:
    box = at.selectbox(key="manage_upload")
    return box.set_value(ref).run()


def test_an_upload_is_renamed_everywhere(stored):
    store, ref = stored
    run_id = store.create_run(RunSpec(ref, "logreg", {}), dataset_name="old name.csv")
    at = manage(open_app(), ref)
    at.text_input(key=f"rename_{ref}").input("credit.csv").run()
    at.button(key=f"rename_upload_{ref}").click().run()
    assert not at.exception
    assert [meta["name"] for _, meta in list_uploads(store.workspace)] == ["credit.csv"]
    assert store.get(run_id).dataset_name == "credit.csv"
    assert "credit.csv" in at.selectbox(key="manage_upload").options[0]


def test_deleting_an_upload_with_runs_asks_first(stored):
    store, ref = stored
    store.create_run(RunSpec(ref, "logreg", {}), dataset_name="old name.csv")
    at = manage(open_app(), ref)
    at.button(key=f"delete_upload_{ref}").click().run()
    assert "1 run(s) were trained on old name.csv" in shown(at, "warning")
    assert list_uploads(store.workspace), "nothing is deleted before the answer"
    at.button(key=f"confirm_upload_{ref}").click().run()
    assert not at.exception
    assert list_uploads(store.workspace) == []


def test_deleting_an_unused_upload_needs_no_question_and_drops_the_selection(stored):
    store, ref = stored
    at = open_app()
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    at.selectbox(key="csv_earlier").set_value(
        next(o for o in at.selectbox(key="csv_earlier").options if "old name" in o)
    ).run()
    at.button(key="use_dataset").click().run()
    assert "old name.csv" in at.success[0].value
    manage(at, ref).button(key=f"delete_upload_{ref}").click().run()
    assert not at.exception
    assert list_uploads(store.workspace) == []
    assert not [s for s in at.success if "Selected for training" in s.value]


def test_an_upload_cannot_be_renamed_to_nothing(workspace):
    from data.dataset import DatasetError
    from data.dataset_store import rename_upload

    ref = save_upload(workspace, "tabular", "kept.csv", {"source.csv": blobs_csv()})
    with pytest.raises(DatasetError, match="needs a name"):
        rename_upload(workspace, ref, "   ")
    assert [meta["name"] for _, meta in list_uploads(workspace)] == ["kept.csv"]
