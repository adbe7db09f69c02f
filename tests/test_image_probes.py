"""Probes on tiny trained models: activation maps, Grad-CAM, kernels and ViT attention."""

from __future__ import annotations

import numpy as np
import pytest

from data.builtin_images import make_shapes
from models.image.prep import prepare_images
from models.registry import get_kind


@pytest.fixture(scope="session")
def shapes_split():
    return prepare_images(make_shapes(n_per_class=10, size=16, seed=3), 0.25, 0)


def _trained(tmp_path_factory, name, model, split):
    """Train a few steps, save model.keras, and load it back the way the dashboard does."""
    from models.model_io import load_keras

    model.fit(split.x_train, split.y_train, epochs=2, batch_size=16, verbose=0)
    run_dir = tmp_path_factory.mktemp(name)
    model.save(run_dir / "model.keras")
    return model, load_keras(run_dir)


@pytest.fixture(scope="session")
def cnn(tmp_path_factory, shapes_split):
    import keras

    keras.utils.set_random_seed(0)
    model = get_kind("cnn").build(
        shapes_split.image_shape, 6, conv_blocks=2, filters=4, dense_units=8
    )
    return _trained(tmp_path_factory, "cnn", model, shapes_split)


@pytest.fixture(scope="session")
def vit(tmp_path_factory, shapes_split):
    import keras

    keras.utils.set_random_seed(0)
    model = get_kind("vit").build(
        shapes_split.image_shape, 6, patch_size=4, embed_dim=16, depth=2, num_heads=2, mlp_dim=16
    )
    return _trained(tmp_path_factory, "vit", model, shapes_split)


def test_activation_maps_have_each_conv_blocks_shape(cnn, shapes_split):
    from models.image.probes import cnn_probe

    result = cnn_probe(cnn[1]).inspect(shapes_split.x_test[0])
    # 16 px input: block 1 at full size with 4 filters, pooled once, block 2 at 8 px with 8.
    assert {name: m.shape for name, m in result.maps.items()} == {
        "relu_1": (16, 16, 4),
        "relu_2": (8, 8, 8),
    }
    assert all((m >= 0).all() for m in result.maps.values())  # post-ReLU


def test_probe_prediction_matches_the_model(cnn, shapes_split):
    from models.image.probes import cnn_probe

    _, loaded = cnn
    images = shapes_split.x_test[:3]
    expected = loaded.predict(images.astype(np.float32), verbose=0)
    for image, want in zip(images, expected, strict=True):
        np.testing.assert_allclose(cnn_probe(loaded).inspect(image).proba, want, atol=1e-5)


def test_grad_cam_is_a_unit_map_on_the_last_block(cnn, shapes_split):
    from models.image.probes import cnn_probe

    probe = cnn_probe(cnn[1])
    result = probe.inspect(shapes_split.x_test[1])
    assert result.cam.shape == (8, 8)
    assert result.cam.min() >= 0.0 and result.cam.max() <= 1.0
    assert result.cam.max() in (0.0, 1.0)  # normalised to its peak (or all zero)
    assert result.cam_class == int(result.proba.argmax())


def test_grad_cam_for_a_chosen_class(cnn, shapes_split):
    from models.image.probes import cnn_probe

    probe = cnn_probe(cnn[1])
    image = shapes_split.x_test[2]
    predicted = probe.inspect(image).cam_class
    other = (predicted + 1) % 6
    chosen = probe.inspect(image, class_index=other)
    assert chosen.cam_class == other
    assert chosen.cam.shape == (8, 8) and 0.0 <= chosen.cam.min() <= chosen.cam.max() <= 1.0


def test_probe_is_built_once_per_model(cnn):
    from models.image.probes import cnn_probe

    assert cnn_probe(cnn[1]) is cnn_probe(cnn[1])


def test_first_conv_kernels_as_colour_tiles(cnn):
    from models.image.probes import first_conv_kernels

    tiles = first_conv_kernels(cnn[1])
    assert tiles.shape == (4, 3, 3, 3) and tiles.dtype == np.uint8
    # each kernel is stretched to the full range on its own
    assert (tiles.reshape(4, -1).max(axis=1) == 255).all()
    assert (tiles.reshape(4, -1).min(axis=1) == 0).all()


def test_top_channels_orders_by_mean_activation():
    from models.image.probes import top_channels

    activation = np.zeros((2, 2, 4))
    activation[..., 2] = 5.0
    activation[..., 0] = 1.0
    activation[0, 0, 3] = 2.0  # mean 0.5
    assert top_channels(activation, 3).tolist() == [2, 0, 3]


def test_vit_attention_per_layer_and_head(vit, shapes_split):
    from models.image.probes import vit_probe

    result = vit_probe(vit[1]).inspect(shapes_split.x_test[0])
    assert result.grid == (4, 4)  # 16 px / 4 px patches
    assert result.attention.shape == (2, 2, 16, 16)  # layers, heads, queries, keys
    np.testing.assert_allclose(result.attention.sum(axis=-1), 1.0, atol=1e-5)
    expected = vit[1].predict(shapes_split.x_test[:1].astype(np.float32), verbose=0)[0]
    np.testing.assert_allclose(result.proba, expected, atol=1e-5)


def test_vit_rollout_rows_sum_to_one(vit, shapes_split):
    from models.image.probes import rollout_map, vit_probe

    result = vit_probe(vit[1]).inspect(shapes_split.x_test[1])
    rollout = result.rollout
    assert rollout.shape == (16, 16)
    assert (rollout >= 0).all()
    np.testing.assert_allclose(rollout.sum(axis=1), 1.0, atol=1e-6)
    heat = rollout_map(rollout, result.grid)
    assert heat.shape == (4, 4) and heat.min() >= 0 and heat.max() <= 1


def test_rollout_of_known_attention():
    from models.image.probes import attention_rollout

    n = 3
    identity = np.broadcast_to(np.eye(n), (2, 2, n, n))
    np.testing.assert_allclose(attention_rollout(identity), np.eye(n))
    uniform = np.full((1, 2, n, n), 1 / n)
    np.testing.assert_allclose(attention_rollout(uniform), 0.5 * np.eye(n) + 0.5 / n)
    with pytest.raises(ValueError, match="layers, heads"):
        attention_rollout(np.ones((2, 3, 3)))


def test_attention_from_one_patch(vit, shapes_split):
    from models.image.probes import patch_attention, vit_probe

    result = vit_probe(vit[1]).inspect(shapes_split.x_test[0])
    one_head = patch_attention(result.attention, result.grid, layer=1, head=0, patch=5)
    mean = patch_attention(result.attention, result.grid, layer=0, head=None, patch=5)
    for heat in (one_head, mean):
        assert heat.shape == (4, 4) and 0 <= heat.min() and heat.max() <= 1
    raw = result.attention[1, 0, 5].reshape(4, 4)
    assert np.unravel_index(one_head.argmax(), (4, 4)) == np.unravel_index(raw.argmax(), (4, 4))


def test_vit_with_custom_layers_survives_a_safe_mode_round_trip(vit, shapes_split):
    original, loaded = vit
    assert loaded.get_layer("patch_embed").grid == (4, 4)
    images = shapes_split.x_test.astype(np.float32)
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), original.predict(images, verbose=0), atol=1e-6
    )


def test_probes_refuse_the_wrong_architecture(cnn, vit):
    from models.image.probes import CnnProbe, VitProbe, first_conv_kernels

    with pytest.raises(ValueError, match="no self-attention over image patches"):
        VitProbe(cnn[1])
    with pytest.raises(ValueError, match="no 2-D convolutions"):
        CnnProbe(vit[1])
    with pytest.raises(ValueError, match="no 2-D convolutions"):
        first_conv_kernels(vit[1])


# --- Grad-CAM with a known answer -------------------------------------------------------

SIDE, QUADRANT = 16, 8


def _top_left_reader():
    """A CNN whose class 0 sees only the top-left quadrant: bright there means class 0.

    conv_1 passes brightness through (kernel 1/255); `features` averages the top-left
    quadrant of that map and fires above 1/4; the output turns it into +/- logits.
    """
    import keras

    inputs = keras.Input((SIDE, SIDE, 1))
    conv = keras.layers.Conv2D(1, 1, use_bias=False, name="conv_1")
    maps = keras.layers.ReLU(name="relu_1")(conv(inputs))
    reader = keras.layers.Dense(1, activation="relu", name="features")
    hidden = reader(keras.layers.Flatten()(maps))
    head = keras.layers.Dense(2, name="output")
    model = keras.Model(inputs, head(hidden))
    conv.set_weights([np.full((1, 1, 1, 1), 1 / 255, dtype=np.float32)])
    mask = np.zeros((SIDE, SIDE), dtype=np.float32)
    mask[:QUADRANT, :QUADRANT] = 1 / QUADRANT**2
    reader.set_weights([mask.reshape(-1, 1), np.array([-0.25], dtype=np.float32)])
    head.set_weights([np.array([[1.0, -1.0]], dtype=np.float32), np.zeros(2, np.float32)])
    return model


def _square_at(row: int, col: int) -> np.ndarray:
    image = np.zeros((SIDE, SIDE, 1), dtype=np.uint8)
    image[row : row + 6, col : col + 6] = 255
    return image


def test_grad_cam_lights_the_quadrant_the_model_reads():
    from models.image.probes import CnnProbe

    probe = CnnProbe(_top_left_reader())
    seen = probe.inspect(_square_at(1, 1))  # a square inside the top-left quadrant
    assert seen.cam_class == 0 and seen.proba[0] > 0.5
    np.testing.assert_allclose(seen.cam, _square_at(1, 1)[..., 0] / 255, atol=1e-6)
    assert seen.cam[:QUADRANT, :QUADRANT].sum() == seen.cam.sum() > 0


def test_grad_cam_is_dark_for_what_the_model_does_not_read():
    from models.image.probes import CnnProbe

    probe = CnnProbe(_top_left_reader())
    unseen = probe.inspect(_square_at(9, 9), class_index=0)  # bottom-right: ignored
    np.testing.assert_allclose(unseen.proba, [0.5, 0.5])
    assert not unseen.cam.any()
    against = probe.inspect(_square_at(1, 1), class_index=1)  # evidence for class 0 only
    assert not against.cam.any()
