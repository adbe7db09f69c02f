"""inspect_keras finds what a Keras model can show from its structure, whatever its names."""

from __future__ import annotations

import numpy as np
import pytest

from models import capabilities as caps
from models.registry import MODEL_KINDS

keras = pytest.importorskip("keras")

# What each modality's builders take from the data: small sizes, so building is quick.
DATA_SIZES = {"tabular": (5, 3, "classification"), "image": ((16, 16, 3), 3), "text": (40, 12, 3)}
KERAS_KINDS = [kind for kind in MODEL_KINDS.values() if kind.framework == "keras" and kind.listed]
COLUMNS = [[0, 1], [2], [3, 4]]  # for kinds with one token per column: the inputs of each


def _data_sizes(kind) -> tuple:
    sizes = DATA_SIZES[kind.modality]
    return (*sizes, COLUMNS) if kind.settings.get("column_tokens") else sizes


@pytest.mark.parametrize("kind", KERAS_KINDS, ids=lambda kind: kind.key)
def test_every_keras_kind_shows_at_least_what_it_declares(kind):
    from models.inspection import inspect_keras

    found = inspect_keras(kind.build(*_data_sizes(kind)))
    assert kind.capabilities <= found.capabilities
    assert caps.PREDICT_ONE in found.capabilities and caps.PROBABILITIES in found.capabilities


def _plain_cnn():
    """A CNN as someone might write it: Sequential, names that mean nothing here."""
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(3, 3, padding="same", activation="relu", name="alpha"),
            keras.layers.MaxPooling2D(name="beta"),
            keras.layers.Conv2D(5, 3, padding="same", name="gamma"),
            keras.layers.BatchNormalization(name="delta"),
            keras.layers.ReLU(name="epsilon"),
            keras.layers.Flatten(name="zeta"),
            keras.layers.Dropout(0.2, name="eta"),
            keras.layers.Dense(4, name="theta"),
            keras.layers.Softmax(name="iota"),
        ]
    )


def test_a_plain_sequential_cnn_gets_conv_maps_and_gradcam():
    from models.inspection import inspect_keras

    found = inspect_keras(_plain_cnn())
    assert {caps.CONV_MAPS, caps.GRADCAM, caps.FEATURES, caps.PROBABILITIES} <= found.capabilities
    assert not found.capabilities & {caps.IMAGE_ATTENTION, caps.TOKEN_SALIENCY}
    assert found.details["conv_layers"] == ["alpha", "gamma"]
    assert found.details["map_layers"] == ["alpha", "epsilon"]  # after its norm and ReLU
    assert found.details["gradcam_layer"] == "epsilon"
    assert found.details["output_layer"] == "theta"  # the Dense before the softmax layer
    assert found.details["feature_layer"] == "zeta"  # through the dropout


def test_the_cnn_probe_runs_on_that_model():
    from models.image.probes import CnnProbe, first_conv_kernels

    model = _plain_cnn()
    image = np.random.default_rng(0).integers(0, 255, (12, 12, 1), dtype=np.uint8)
    result = CnnProbe(model).inspect(image)
    assert {name: m.shape for name, m in result.maps.items()} == {
        "alpha": (12, 12, 3),
        "epsilon": (6, 6, 5),
    }
    expected = model.predict(image[None].astype(np.float32), verbose=0)[0]
    np.testing.assert_allclose(result.proba, expected, atol=1e-5)
    assert result.cam.shape == (6, 6) and result.cam_class == int(expected.argmax())
    assert first_conv_kernels(model).shape == (3, 3, 3)  # grey input: (n, kh, kw)


def _hand_wired_vit():
    """Self-attention wired by hand in a functional graph, with a residual add."""
    keras.utils.set_random_seed(2)
    image = keras.Input((16, 16, 3))
    patches = keras.layers.Conv2D(8, 4, strides=4, name="p")(image)  # a 4×4 grid
    tokens = keras.layers.Reshape((16, 8), name="r")(patches)
    attended = keras.layers.MultiHeadAttention(2, 4, name="m")(tokens, tokens)
    mixed = keras.layers.Add(name="a")([tokens, attended])
    pooled = keras.layers.GlobalAveragePooling1D(name="g")(mixed)
    return keras.Model(image, keras.layers.Dense(3, activation="softmax", name="o")(pooled))


def test_attention_wired_by_hand_is_found_and_read():
    from models.image.probes import VitProbe
    from models.inspection import inspect_keras

    model = _hand_wired_vit()
    found = inspect_keras(model)
    assert caps.IMAGE_ATTENTION in found.capabilities
    assert found.details["grid"] == [4, 4] and found.details["patch_size"] == 4
    assert found.details["encoder_blocks"] == ["m"]
    image = np.full((16, 16, 3), 128, dtype=np.uint8)
    result = VitProbe(model).inspect(image)
    assert result.attention.shape == (1, 2, 16, 16)
    np.testing.assert_allclose(result.attention.sum(axis=-1), 1.0, atol=1e-5)
    expected = model.predict(image[None].astype(np.float32), verbose=0)[0]
    np.testing.assert_allclose(result.proba, expected, atol=1e-5)


def test_attention_over_a_sequence_that_is_no_patch_grid_is_not_image_attention():
    from models.inspection import inspect_keras

    image = keras.Input((6, 6, 1))
    tokens = keras.layers.Reshape((6, 6), name="rows")(image)  # 6 rows as tokens, not patches
    tokens = keras.layers.Dense(4)(tokens)
    tokens = keras.layers.MultiHeadAttention(1, 4)(tokens, tokens)
    outputs = keras.layers.Dense(2)(keras.layers.Flatten()(tokens))
    found = inspect_keras(keras.Model(image, outputs))
    assert caps.IMAGE_ATTENTION not in found.capabilities  # 6 tokens make no grid of 6×6
    assert caps.PROBABILITIES not in found.capabilities  # a linear output is no probability


def test_tokens_through_an_embedding_and_a_gru_get_saliency_and_a_dense_model_does_not():
    from models.inspection import inspect_keras

    ids = keras.Input((10,), dtype="int32")
    x = keras.layers.Embedding(30, 4, mask_zero=True, name="words")(ids)
    x = keras.layers.GRU(3, name="steps")(x)
    found = inspect_keras(keras.Model(ids, keras.layers.Dense(2, activation="softmax")(x)))
    assert caps.TOKEN_SALIENCY in found.capabilities
    assert found.details["embedding_layer"] == "words" and found.details["feature_layer"] == "steps"
    rows = keras.Input((10,))
    dense = keras.Model(rows, keras.layers.Dense(2, activation="softmax")(rows))
    found = inspect_keras(dense)
    assert found.capabilities == {caps.PREDICT_ONE, caps.PROBABILITIES}  # no hidden layer
    assert "feature_layer" not in found.details


def test_inspecting_never_leaves_the_attention_listener_behind():
    from models.inspection import attention_layers, inspect_keras

    model = _hand_wired_vit()
    inspect_keras(model)
    assert all("_compute_attention" not in vars(layer) for layer in attention_layers(model))
