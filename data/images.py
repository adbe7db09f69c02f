"""Turn one image file, whatever its format and mode, into the array models expect.

Every image a person uploads ends up as uint8 (size, size, channels): the models,
the gallery and Grad-CAM all assume one shape, so the odd cases (16-bit PNGs,
palette GIFs with transparency, CMYK JPEGs, rotated phone photos) are settled
here once instead of surprising a view later.

Resizing is a direct resize to size×size (no crop). A crop to the centre keeps the
aspect ratio but can cut off the very object being classified in a wide photo; a
direct resize keeps everything in the frame, is what Keras'
`image_dataset_from_directory` does by default, and its mild squash is the same at
training and prediction time, so the model learns it.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from data.dataset import DatasetError

ALLOWED_FORMATS = ("PNG", "JPEG", "BMP", "WEBP", "GIF")
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".webp", ".gif"})
MAX_IMAGE_PIXELS = 40_000_000  # 40 megapixels, checked from the header before decoding

# Transparent pixels are laid on white: icons and logos are drawn for light pages,
# and on black their dark strokes would vanish.
_BACKGROUND = (255, 255, 255)
_SIXTEEN_BIT_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})


class ImageDecodeError(Exception):
    """One file could not be used; `reason` is shown beside its name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_target_shape(size: int, channels: int) -> None:
    """Reject an impossible target before any file is read."""
    if channels not in (1, 3):
        raise DatasetError(f"channels must be 1 (greyscale) or 3 (colour), not {channels}")
    if not 4 <= size <= 1024:
        raise DatasetError(f"image size must be between 4 and 1024 pixels, not {size}")


def decode_image(
    raw: bytes, size: int, channels: int, max_pixels: int = MAX_IMAGE_PIXELS
) -> np.ndarray:
    """Decode bytes to uint8 (size, size, channels), or raise ImageDecodeError.

    The pixel limit is checked against the header before any pixel is decoded, so a
    small file that declares a giant canvas costs nothing. It is our own per-call
    check: Pillow's global MAX_IMAGE_PIXELS is neither relied on nor changed (other
    threads of the app may be opening images at the same time).
    """
    try:
        with Image.open(io.BytesIO(raw), formats=list(ALLOWED_FORMATS)) as img:
            width, height = img.size
            if width * height > max_pixels:
                raise ImageDecodeError(
                    f"image is {width}×{height} = {width * height:,} pixels, over the "
                    f"limit of {max_pixels:,}; scale it down before uploading"
                )
            if img.format == "JPEG":
                img.draft(None, (size, size))  # let libjpeg decode big photos at 1/2..1/8
            upright = ImageOps.exif_transpose(img)
            return normalise_image(upright, size, channels)
    except ImageDecodeError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageDecodeError(f"image has too many pixels to decode safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageDecodeError("not a readable PNG, JPEG, BMP, WebP or GIF image") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise ImageDecodeError(f"corrupt or truncated image ({exc})") from exc


def normalise_image(img: Image.Image, size: int, channels: int) -> np.ndarray:
    """Any Pillow image to uint8 (size, size, channels)."""
    flat = _to_greyscale_or_rgb(img, channels)
    resized = flat.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    array = np.asarray(resized, dtype=np.uint8)
    return array[:, :, None] if array.ndim == 2 else array


def _to_greyscale_or_rgb(img: Image.Image, channels: int) -> Image.Image:
    target = "L" if channels == 1 else "RGB"
    if img.mode in _SIXTEEN_BIT_MODES or img.mode in ("I", "F"):
        return _wide_to_8bit(img).convert(target)
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*_BACKGROUND, 255))
        background.alpha_composite(rgba)
        return background.convert(target)
    if img.mode in ("CMYK", "YCbCr", "LAB", "HSV", "P", "1") and target == "L":
        img = img.convert("RGB")  # via RGB so luma is weighted like any colour image
    return img.convert(target)


def _wide_to_8bit(img: Image.Image) -> Image.Image:
    """16-bit and 32-bit greyscale to 8-bit by scaling, never by clipping.

    Pillow's own convert("L") clips a 16-bit value of 40,000 to 255, so a normal
    16-bit scan would come out almost all white.
    """
    values = np.asarray(img).astype(np.float64)
    if img.mode in _SIXTEEN_BIT_MODES:
        scaled = values / 257.0
    elif img.mode == "I" and values.min() >= 0 and values.max() <= 65535:
        scaled = values / 257.0 if values.max() > 255 else values
    else:  # signed or float data: stretch what is there
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), mode="L")


def gallery_indices(labels: np.ndarray, per_class: int = 8, seed: int = 0) -> dict[str, np.ndarray]:
    """A few example indices per class, the same ones every time for a seed.

    A preview that reshuffled on every Streamlit rerun would look like the data
    changed; a fixed seed keeps the gallery still while the person looks at it.
    """
    labels = np.asarray(labels).astype(str)
    rng = np.random.default_rng(seed)
    picks: dict[str, np.ndarray] = {}
    for name in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == name)
        count = min(per_class, len(members))
        picks[name] = np.sort(rng.choice(members, size=count, replace=False))
    return picks


def greyscale_if_grey(images: np.ndarray) -> np.ndarray | None:
    """One channel (N, H, W, 1) when every image's red, green and blue are equal, else None.

    A set of greyscale scans decoded as colour triples its size and gives a model three
    copies of one signal to learn from.
    """
    if images.ndim != 4 or images.shape[-1] != 3:
        return None
    first = images[..., :1]
    if np.array_equal(images[..., 1:2], first) and np.array_equal(images[..., 2:3], first):
        return np.ascontiguousarray(first)
    return None
