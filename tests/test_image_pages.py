"""The image parts of the pages, driven through AppTest: Data sources and the Explore tabs."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from data.builtin_images import make_shapes
from data.dataset import ImageData
from data.registry import save_image_upload
from models.registry import get_kind
from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    app_workspace,
    chart_titles,
    open_app,
    open_explore,
    open_tab,
    tab_labels,
)
from tests.factories import train_now
from tests.image_samples import shapes_zip

TINY = {
    "cnn": {"epochs": 1, "conv_blocks": 2, "filters": 4, "dense_units": 8, "batch_size": 8},
    "vit": {"epochs": 1, "embed_dim": 8, "depth": 2, "num_heads": 2, "mlp_dim": 8},
    "pixel_logreg": {},
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One workspace with a small image upload and a finished run of each image model."""
    folder = tmp_path_factory.mktemp("image_pages") / "workspace"
    store = RunStore(folder)
    data = make_shapes(n_per_class=6, size=16, seed=2)
    keep = np.isin(data.labels, ["circle", "cross", "square"])
    ref = save_image_upload(
        folder, "tiny shapes", ImageData(images=data.images[keep], labels=data.labels[keep])
    )
    runs = {}
    for model, params in TINY.items():
        spec = RunSpec(ref, model, get_kind(model).params(params), seed=0, test_size=0.25)
        runs[model] = train_now(store, spec)
        assert store.get(runs[model]).status == "succeeded", store.get(runs[model]).error
    return folder, runs


@pytest.fixture
def runs(trained) -> dict[str, str]:
    with app_workspace(trained[0]):
        yield trained[1]


def test_builtin_image_set_shows_counts_gallery_and_can_be_chosen(workspace):
    at = open_app()
    at.selectbox(key="builtin_choice").set_value("Digits (8×8 images) · image").run()
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "1,797 images, 8×8 px greyscale, 10 classes" in markdown
    assert "Class balance" in chart_titles(at)
    galleries = at.get("image")
    assert len(galleries) == 10  # one row of examples per digit
    assert all(len(gallery.value) == 8 for gallery in galleries)
    at.button(key="use_image_dataset").click().run()
    assert "Digits (8×8 images)" in at.success[0].value and "(image)" in at.success[0].value


def test_image_upload_source_offers_earlier_uploads(runs):
    at = open_app()
    at.radio(key="data_source").set_value("Upload images").run()
    assert not at.exception
    assert at.radio(key="image_upload_mode").options == [
        "Zip of class folders",
        "Folder of class folders",
    ]
    earlier = at.selectbox(key="image_earlier")
    earlier.set_value(next(o for o in earlier.options if o.startswith("tiny shapes"))).run()
    assert not at.exception and not at.error
    assert "18 images, 16×16 px colour, 3 classes" in " ".join(m.value for m in at.markdown)


def upload_zip(at: AppTest, payload: bytes, name: str = "shapes.zip") -> AppTest:
    at.radio(key="data_source").set_value("Upload images").run()
    return (
        at.file_uploader(key="image_zip_upload").set_value((name, payload, "application/zip")).run()
    )


def test_zip_upload_is_stored_and_skipped_files_are_listed(workspace):
    at = upload_zip(open_app(), shapes_zip())
    assert not at.exception and not at.error
    assert "36 images, 32×32 px colour, 3 classes" in " ".join(m.value for m in at.markdown)
    skipped = at.dataframe[0].value
    assert skipped["file"].tolist() == ["shapes/notes.txt"]
    assert list((workspace / "datasets").glob("*/images.npz"))
    at.button(key="use_image_dataset").click().run()
    assert "shapes" in at.success[0].value


def test_zip_upload_follows_the_chosen_size_and_channels(workspace):
    at = open_app()
    at.radio(key="data_source").set_value("Upload images").run()
    at.select_slider(key="image_upload_size").set_value(16)
    at.radio(key="image_upload_channels").set_value(1).run()
    at = upload_zip(at, shapes_zip(4))
    assert "12 images, 16×16 px greyscale, 3 classes" in " ".join(m.value for m in at.markdown)


def test_a_file_that_is_not_a_zip_is_refused_with_a_reason(workspace):
    at = upload_zip(open_app(), b"just some text", name="photos.zip")
    assert not at.exception
    assert "photos.zip" in at.error[0].value and "not a readable zip" in at.error[0].value


def test_cnn_run_shows_filters_gradcam_and_prediction_tabs(runs):
    at = open_explore(runs["cnn"])
    assert not at.exception, at.exception
    labels = tab_labels(at)
    assert {"Filters & activations", "Grad-CAM", "Predict an image"} <= set(labels)
    assert "Attention (ViT)" not in labels
    at = open_tab(at, "Grad-CAM")
    assert not at.exception, at.exception
    assert any(t.startswith("Grad-CAM for '") for t in chart_titles(at))
    at = open_tab(at, "Predict an image")
    assert not at.exception, at.exception
    assert any(t.startswith("Predicted: ") for t in chart_titles(at))  # class probabilities
    # the confusion tab's gallery (all misclassified, or the picked cell) shows test images
    at = open_tab(at, "Confusion & metrics")
    assert not at.exception, at.exception
    captions = [c for image in at.get("image") for c in image.captions]
    assert any(c.startswith("#") and ("✓" in c or "✗" in c) for c in captions)


def test_image_choice_is_shared_between_tabs(runs):
    run_id = runs["cnn"]
    at = open_tab(open_explore(run_id), "Filters & activations")
    at.number_input(key=f"filters_position_{run_id}").set_value(2).run()
    assert not at.exception
    at = open_tab(at, "Grad-CAM")
    assert at.number_input(key=f"gradcam_position_{run_id}").value == 2
    at = open_tab(at, "Predict an image")
    assert at.number_input(key=f"predict_position_{run_id}").value == 2


def test_gradcam_for_a_chosen_class(runs):
    run_id = runs["cnn"]
    at = open_tab(open_explore(run_id), "Grad-CAM")
    at.selectbox(key=f"image_cam_class_{run_id}").set_value("square").run()
    assert not at.exception
    assert "Grad-CAM for 'square'" in " ".join(chart_titles(at))


def test_vit_run_shows_attention_not_gradcam(runs):
    run_id = runs["vit"]
    at = open_explore(run_id)
    assert not at.exception, at.exception
    labels = tab_labels(at)
    assert "Attention (ViT)" in labels and "Predict an image" in labels
    assert "Grad-CAM" not in labels and "Filters & activations" not in labels
    at = open_tab(at, "Attention (ViT)")
    at.selectbox(key=f"image_att_head_{run_id}").set_value(1).run()
    assert not at.exception
    titles = " ".join(chart_titles(at))
    assert "Attention rollout" in titles and "head 1" in titles


def test_block_art_draws_each_pixel_in_its_colour():
    from dashboard.modality.image_hover import block_art

    image = np.zeros((2, 2, 3), dtype=np.uint8)
    image[:, 1] = (255, 0, 0)
    image[1, 0] = (255, 255, 255)
    assert block_art(image, 12) == (
        '<span style="color:#000">██</span><span style="color:#f00">██</span><br>'
        '<span style="color:#fff">██</span><span style="color:#f00">██</span>'
    )
    grey = np.full((4, 4, 1), 255, dtype=np.uint8)
    row = '<span style="color:#fff">████</span>'  # shrunk to 2×2; equal neighbours share a span
    assert block_art(grey, 2) == f"{row}<br>{row}"


def test_hover_thumbnail_size_shrinks_with_the_number_of_points():
    from dashboard.modality.image_hover import hover_side

    assert (hover_side(360), hover_side(2_000), hover_side(50_000)) == (12, 8, 0)


def test_umap_hover_gets_each_points_own_image(trained, runs):
    from dashboard.explore.context import load_context
    from dashboard.figures.embedding import embedding_figure
    from dashboard.modality.image_hover import add_image_hover, block_art
    from dashboard.views.embedding.points import hover_frame

    store = RunStore(trained[0])
    ctx = load_context(store, store.get(runs["cnn"]))
    n = len(ctx.results.y_true)
    hover = hover_frame(ctx, np.arange(n))
    assert list(hover.columns) == ["dataset row", "true", "predicted", "confidence"]
    names = np.asarray(ctx.results.class_names)[ctx.results.y_true]
    fig = add_image_hover(
        embedding_figure(np.random.default_rng(0).normal(size=(n, 2)), names, "true", hover), ctx
    )
    images = ctx.dataset.data.images
    checked = 0
    for trace in fig.data:
        assert trace.hovertemplate.endswith("<br>%{text}<extra></extra>")
        for row, text in zip(trace.customdata[:, 0], trace.text, strict=True):
            assert text == block_art(images[ctx.results.test_index[int(row)]], 12)
            checked += 1
    assert checked == n


def png_bytes(size: tuple[int, int], mode: str = "RGBA") -> bytes:
    picture = Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else 128)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def upload_to_explore(at: AppTest, view: str, run_id: str, name: str, payload: bytes) -> AppTest:
    at.radio(key=f"{view}_source_{run_id}").set_value("Upload an image").run()
    uploader = at.file_uploader(key=f"{view}_upload_{run_id}")
    return uploader.set_value((name, payload, "image/png")).run()


def test_image_uploaded_on_explore_is_normalised_and_explained(runs):
    run_id = runs["cnn"]
    at = open_tab(open_explore(run_id), "Grad-CAM")
    at = upload_to_explore(at, "gradcam", run_id, "mine.png", png_bytes((50, 40)))
    assert not at.exception and not at.error
    captions = [c for image in at.get("image") for c in image.captions]
    assert "uploaded mine.png (resized to 16×16×3)" in captions
    assert sum(t.startswith("Grad-CAM for '") for t in chart_titles(at)) == 1
    # the other tabs follow the same choice: the prediction tab now shows the upload too
    at = open_tab(at, "Predict an image")
    assert not at.exception and not at.error
    assert at.radio(key=f"predict_source_{run_id}").value == "Upload an image"
    captions = [c for image in at.get("image") for c in image.captions]
    assert "uploaded mine.png (resized to 16×16×3)" in captions
    assert sum(t.startswith("Predicted: ") for t in chart_titles(at)) == 1


def test_pixel_baseline_predicts_an_uploaded_image(runs):
    run_id = runs["pixel_logreg"]
    at = open_explore(run_id)
    labels = tab_labels(at)
    assert "Predict an image" in labels
    assert not {"Grad-CAM", "Filters & activations", "Attention (ViT)"} & set(labels)
    at = upload_to_explore(
        open_tab(at, "Predict an image"), "predict", run_id, "grey.png", png_bytes((8, 8), "L")
    )
    assert not at.exception and not at.error
    assert any(t.startswith("Predicted: ") for t in chart_titles(at))


def test_an_upload_that_is_not_an_image_is_refused(runs):
    run_id = runs["cnn"]
    at = open_tab(open_explore(run_id), "Predict an image")
    at = upload_to_explore(at, "predict", run_id, "fake.png", b"not a png")
    assert not at.exception
    assert "Could not read **fake.png**" in at.error[0].value


def test_model_libraries_are_imported_ahead_only_for_runs_whose_views_run_the_model(
    runs, monkeypatch
):
    import dashboard.services

    started = []
    monkeypatch.setattr(dashboard.services, "preload_keras", lambda: started.append("keras"))
    monkeypatch.setattr(dashboard.services, "preload_skops", lambda: started.append("skops"))
    open_explore(runs["pixel_logreg"])
    assert started == ["skops"]  # a scikit-learn run never needs TensorFlow; its model, skops
    started.clear()
    at = open_explore(runs["cnn"])
    assert not at.exception, at.exception
    assert started == ["keras"], "the CNN's first tab starts importing Keras for the probing tabs"
