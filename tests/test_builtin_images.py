"""Built-in image sets: shapes, values, determinism, and that shapes differ by outline."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from data import builtin_images
from data.builtin_images import (
    BUILTIN_IMAGE_DESCRIPTIONS,
    BUILTIN_IMAGE_SETS,
    SHAPE_CLASSES,
    digits_images,
    make_shapes,
)
from data.dataset import DatasetError, ImageData


def test_digits_are_8x8_greyscale_over_the_full_byte_range() -> None:
    data = digits_images()
    assert data.images.shape == (1797, 8, 8, 1)
    assert data.images.dtype == np.uint8
    assert data.images.min() == 0 and data.images.max() == 255
    assert sorted(set(data.labels.tolist())) == [str(d) for d in range(10)]
    from sklearn.datasets import load_digits

    raw = load_digits()
    assert np.array_equal(data.images[..., 0] == 255, raw.images == 16)
    assert data.labels[0] == str(raw.target[0])


def test_shapes_have_every_class_in_equal_numbers() -> None:
    data = make_shapes(n_per_class=20, size=24)
    assert data.images.shape == (20 * len(SHAPE_CLASSES), 24, 24, 3)
    assert data.images.dtype == np.uint8
    names, counts = np.unique(data.labels, return_counts=True)
    assert sorted(names.tolist()) == sorted(SHAPE_CLASSES) and set(counts.tolist()) == {20}
    assert len(SHAPE_CLASSES) >= 5
    assert {"circle", "square", "triangle", "cross", "ring"} <= set(SHAPE_CLASSES)


def test_shapes_are_deterministic_per_seed() -> None:
    first, again = make_shapes(10, seed=7), make_shapes(10, seed=7)
    assert np.array_equal(first.images, again.images)
    assert np.array_equal(first.labels, again.labels)
    other = make_shapes(10, seed=8)
    assert not np.array_equal(first.images, other.images)


def test_shapes_in_greyscale_and_other_sizes() -> None:
    grey = make_shapes(5, size=48, channels=1)
    assert grey.images.shape == (30, 48, 48, 1)
    assert grey.images.std() > 20  # shapes and backgrounds, not a flat grey


def test_default_shapes_set_matches_its_description() -> None:
    data = BUILTIN_IMAGE_SETS["shapes"]()
    assert data.images.shape == (1800, 32, 32, 3)
    assert "1,800" in BUILTIN_IMAGE_DESCRIPTIONS["shapes"]


def test_images_vary_in_colour_and_carry_noise() -> None:
    data = make_shapes(30, seed=1)
    corners = data.images[:, 0, 0, :].astype(float)
    assert corners.std(axis=0).min() > 40  # backgrounds in many colours
    flat_patch = data.images[:, :3, :3, :].astype(float).std(axis=(1, 2)).mean()
    assert flat_patch > 3  # noise, so no two pixels of a background are equal


def test_mean_colour_alone_does_not_tell_the_classes_apart() -> None:
    data = make_shapes(150, seed=2)
    means = data.images.reshape(len(data), -1, 3).mean(axis=1) / 255
    accuracy = cross_val_score(LogisticRegression(max_iter=1000), means, data.labels, cv=3).mean()
    assert accuracy < 0.3  # chance is 1/6 ≈ 0.17


def sample(name: str, x: float, y: float) -> float:
    return float(builtin_images._SIGNED_DISTANCE[name](np.array([x]), np.array([y]))[0])


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [
        ("circle", [(0, 0), (0.6, 0.5)], [(0.7, 0.7), (0.9, 0)]),
        ("square", [(0, 0), (0.65, 0.65)], [(0.8, 0), (0, -0.8)]),
        ("triangle", [(0, 0), (0, 0.9)], [(0, -0.6), (0.8, -0.3)]),
        ("cross", [(0, 0), (0.9, 0), (0, -0.9)], [(0.6, 0.6), (-0.5, 0.5)]),
        ("ring", [(0.75, 0), (0, -0.7)], [(0, 0), (0.2, 0.1), (1.0, 0)]),
        ("star", [(0, 0), (0.95, 0)], [(0.6, 0.45), (-0.95, 0)]),
    ],
)
def test_each_class_has_its_own_outline(name: str, inside, outside) -> None:
    """Points are in the shape's own frame (radius 1, before the random turn)."""
    assert all(sample(name, x, y) < 0 for x, y in inside)
    assert all(sample(name, x, y) > 0 for x, y in outside)


def test_registry_has_a_loader_and_description_per_key() -> None:
    assert (
        set(BUILTIN_IMAGE_SETS)
        == set(BUILTIN_IMAGE_DESCRIPTIONS)
        == {
            "digits-images",
            "shapes",
            "mnist-5k",
        }
    )
    assert isinstance(BUILTIN_IMAGE_SETS["digits-images"](), ImageData)


@pytest.mark.parametrize("kwargs", [{"n_per_class": 0}, {"size": 4}, {"channels": 2}])
def test_bad_shape_arguments_are_refused(kwargs) -> None:
    with pytest.raises(DatasetError):
        make_shapes(**kwargs)


def test_mnist_5k_is_read_from_the_installed_package():
    from data.builtin_images import mnist_5k

    data = mnist_5k()
    assert data.images.shape == (5000, 28, 28, 1)
    assert sorted(set(data.labels)) == [str(d) for d in range(10)]
    assert data.images.max() == 255 and data.images.dtype == np.uint8
