"""Turning an ImageData into train/test arrays, shared by the Keras and scikit-learn trainers.

Pixels stay uint8 until a batch is used: the Keras models rescale inside
themselves (so probes and on-the-spot uploads feed raw pixels, exactly like
training did), and 20,000 colour images as float32 would cost four times the
memory for nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from data.dataset import DatasetError, ImageData
from data.splits import split_rows


@dataclass
class PreparedImages:
    class_names: list[str]
    x_train: np.ndarray  # uint8 (n, H, W, C)
    y_train: np.ndarray  # int32 class indices
    x_test: np.ndarray
    y_test: np.ndarray
    test_index: np.ndarray  # positions in the dataset as loaded

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(int(v) for v in self.x_train.shape[1:])


def prepare_images(
    data: ImageData, test_size: float, seed: int, fold: tuple[int, int] | None = None
) -> PreparedImages:
    labels = np.asarray(data.labels).astype(str)
    class_names = sorted(set(labels.tolist()))
    if len(class_names) < 2:
        raise DatasetError(
            f"the images have only one class ({class_names[0] if class_names else 'none'}); "
            "a classifier needs at least two class folders"
        )
    y = np.searchsorted(class_names, labels).astype(np.int32)
    train, test = split_rows(y, test_size, seed, fold)
    return PreparedImages(
        class_names=class_names,
        x_train=data.images[train],
        y_train=y[train],
        x_test=data.images[test],
        y_test=y[test],
        test_index=test,
    )


def pool_factor(image_shape: tuple[int, int, int], max_dims: int) -> int:
    """The smallest block size whose averaged image has at most max_dims values."""
    height, width, channels = image_shape
    factor = 1
    while math.ceil(height / factor) * math.ceil(width / factor) * channels > max_dims:
        factor += 1
    return factor


def pooled_pixels(images: np.ndarray, factor: int) -> np.ndarray:
    """(n, d) float32 pixels in [0, 1], block-averaged by `factor` (edge blocks padded)."""
    pixels = np.asarray(images, dtype=np.float32) / 255.0
    if factor > 1:
        n, height, width, channels = pixels.shape
        pad_h, pad_w = -height % factor, -width % factor
        pixels = np.pad(pixels, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
        rows, cols = pixels.shape[1] // factor, pixels.shape[2] // factor
        pixels = pixels.reshape(n, rows, factor, cols, factor, channels).mean(axis=(2, 4))
    return pixels.reshape(len(pixels), -1)
