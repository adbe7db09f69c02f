"""Image model kinds: builders, patch sizes, pixel pooling, and whole runs through the worker."""

from __future__ import annotations

import numpy as np
import pytest

from data.builtin_images import make_shapes
from data.dataset import ImageData
from data.registry import save_image_upload
from models.image.prep import pool_factor, pooled_pixels
from models.registry import get_kind, kinds_for
from models.spec import RunSpec
from models.store import RunStore


def test_image_kinds_are_registered_with_their_trainers():
    keys = {kind.key for kind in kinds_for("image")}
    assert {"cnn", "vit", "pixel_logreg"} <= keys
    assert get_kind("cnn").defaults["flip"] is False  # mirrored digits are other symbols
    assert get_kind("vit").defaults["patch_size"] == 0  # automatic
    for key in ("cnn", "vit", "pixel_logreg"):
        assert callable(get_kind(key).load_trainer())


@pytest.mark.parametrize(
    ("shape", "requested", "expected"),
    [
        ((8, 8, 1), 0, 2),
        ((32, 32, 3), 0, 4),
        ((64, 64, 3), 0, 8),
        ((28, 28, 1), 0, 2),
        ((32, 32, 3), 8, 8),
    ],
)
def test_patch_size(shape, requested, expected):
    from models.image.networks import resolve_patch_size

    assert resolve_patch_size(shape, requested) == expected


def test_patch_size_that_does_not_divide_the_image_is_refused_with_the_choices():
    from models.image.networks import resolve_patch_size

    with pytest.raises(ValueError, match="use one of 1, 2, 4, 8, 16, 32"):
        resolve_patch_size((32, 32, 3), 5)


@pytest.mark.parametrize(("side", "last_map", "pooled"), [(8, 4, 4), (16, 4, 4), (32, 8, 4)])
def test_cnn_pools_only_down_to_four_pixels(side, last_map, pooled):
    model = get_kind("cnn").build((side, side, 1), 3, conv_blocks=3, filters=2, dense_units=4)
    assert model.get_layer("relu_3").output.shape[1:] == (last_map, last_map, 8)
    assert model.get_layer("gap").input.shape[1:3] == (pooled, pooled)
    assert model.get_layer("features").output.shape[-1] == 4


def test_augmentation_layers_are_optional():
    cnn = get_kind("cnn")
    names = {layer.name for layer in cnn.build((8, 8, 1), 3, filters=2).layers}
    assert not names & {"aug_flip", "aug_rotate", "aug_shift"}
    names = {layer.name for layer in cnn.build((8, 8, 1), 3, filters=2, flip=True).layers}
    assert "aug_flip" in names and "aug_rotate" not in names


def test_pooled_pixels_average_blocks_and_scale_to_unit():
    images = np.zeros((1, 4, 4, 1), dtype=np.uint8)
    images[0, :2, :2, 0] = 255
    pooled = pooled_pixels(images, 2)
    np.testing.assert_allclose(pooled, [[1.0, 0.0, 0.0, 0.0]])
    assert pool_factor((32, 32, 3), 1024) == 2
    assert pool_factor((8, 8, 1), 1024) == 1
    assert pooled_pixels(np.zeros((2, 5, 5, 3), np.uint8), 2).shape == (2, 3 * 3 * 3)


@pytest.fixture
def tiny_upload(tmp_path):
    """A small image set saved like an upload, so runs do not load a whole built-in set."""
    store = RunStore(tmp_path / "ws")
    data = make_shapes(n_per_class=8, size=16, seed=1)
    keep = np.isin(data.labels, ["circle", "square", "cross"])
    small = ImageData(images=data.images[keep], labels=data.labels[keep])
    return store, save_image_upload(store.workspace, "tiny shapes", small)


def _run(store, ref, model, params):
    from models.worker import execute

    spec = RunSpec(ref, model, get_kind(model).params(params), seed=0, test_size=0.25)
    run_id = store.create_run(spec, status="running")
    return run_id, execute(store, run_id)


def test_cnn_run_through_the_worker(tiny_upload):
    from models.artifacts import load_features, load_results
    from models.model_io import load_keras

    store, ref = tiny_upload
    params = {"epochs": 2, "conv_blocks": 2, "filters": 4, "dense_units": 8, "batch_size": 8}
    run_id, status = _run(store, ref, "cnn", params)
    assert status == "succeeded", store.get(run_id).error
    run_dir = store.run_dir(run_id)
    results = load_results(run_dir)
    assert results.class_names == ["circle", "cross", "square"]
    assert len(results.y_true) == 6 and results.proba.shape == (6, 3)
    assert results.feature_layers[0] == "features"
    assert set(results.feature_layers) == {"features", "gap", "relu_1_pooled", "input"}
    assert load_features(run_dir, "features").shape == (6, 8)
    assert load_features(run_dir, "input").shape == (6, 16 * 16 * 3)
    assert results.meta["map_layers"] == ["relu_1", "relu_2"]
    assert results.meta["gradcam_layer"] == "relu_2"
    assert set(results.meta["capabilities"]) == {
        "conv_maps", "gradcam", "predict_one", "features", "probabilities", "curves",
    }  # fmt: skip
    assert len(store.history(run_id)) == 2
    model = load_keras(run_dir)
    again = model.predict(_test_images(store, ref, results), verbose=0)
    np.testing.assert_allclose(again, results.proba, atol=1e-5)


def _test_images(store, ref, results):
    from data.registry import load_dataset

    return load_dataset(ref, store.workspace).data.images[results.test_index].astype(np.float32)


def test_vit_run_through_the_worker(tiny_upload):
    from models.artifacts import load_results

    store, ref = tiny_upload
    params = {"epochs": 1, "embed_dim": 8, "depth": 1, "num_heads": 2, "mlp_dim": 8}
    run_id, status = _run(store, ref, "vit", params)
    assert status == "succeeded", store.get(run_id).error
    results = load_results(store.run_dir(run_id))
    assert {"image_attention", "curves"} <= set(results.meta["capabilities"])
    assert "conv_maps" not in results.meta["capabilities"]
    assert results.meta["grid"] == [8, 8]  # 16 px images → automatic 2 px patches
    assert results.meta["encoder_blocks"] == ["encoder_1"]
    assert results.feature_layers == ["features", "token_pool", "input"]
    assert any("2×2 px" in note for note in results.notes)


def test_pixel_baseline_run_through_the_worker(tiny_upload):
    from models.artifacts import load_results
    from models.image.baselines import predict_proba
    from models.model_io import load_sklearn

    store, ref = tiny_upload
    run_id, status = _run(store, ref, "pixel_logreg", {"C": 0.5})
    assert status == "succeeded", store.get(run_id).error
    run_dir = store.run_dir(run_id)
    results = load_results(run_dir)
    assert results.feature_layers == ["input"]
    assert results.meta["pool_factor"] == 1
    assert set(results.meta["capabilities"]) == {"predict_one", "features", "probabilities"}
    estimator = load_sklearn(run_dir)
    proba = predict_proba(estimator, _test_images(store, ref, results).astype(np.uint8), 1)
    np.testing.assert_allclose(proba, results.proba, atol=1e-6)
    final = store.get(run_id).final_metrics
    assert 0.0 <= final["accuracy"] <= 1.0


def test_bad_patch_size_fails_the_run_with_a_reason(tiny_upload):
    store, ref = tiny_upload
    run_id, status = _run(store, ref, "vit", {"epochs": 1, "patch_size": 3, "embed_dim": 8})
    assert status == "failed"
    error = store.get(run_id).error
    assert "does not divide the 16×16 images" in error and "use one of 1, 2, 4, 8, 16" in error
