"""Decoding and normalising single images: every mode and format to one uint8 shape."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from data.dataset import DatasetError
from data.images import ImageDecodeError, check_target_shape, decode_image, gallery_indices


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def palette_with_transparency() -> bytes:
    img = Image.new("P", (12, 12), 0)
    img.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    img.paste(1, (0, 0, 12, 6))  # top half palette 1 (red), bottom half index 0 (transparent)
    return encode(img, "PNG", transparency=0)


MODE_SAMPLES = {
    "L": lambda: encode(Image.new("L", (10, 14), 90), "PNG"),
    "LA": lambda: encode(Image.new("LA", (9, 9), (90, 255)), "PNG"),
    "RGB": lambda: encode(Image.new("RGB", (40, 20), (10, 200, 30)), "PNG"),
    "RGBA": lambda: encode(Image.new("RGBA", (5, 50), (10, 20, 200, 255)), "PNG"),
    "P+transparency": palette_with_transparency,
    "1": lambda: encode(Image.new("1", (16, 16), 1), "PNG"),
    "CMYK": lambda: encode(Image.new("CMYK", (33, 21), (0, 255, 255, 0)), "JPEG"),
    "I;16": lambda: encode(Image.fromarray(np.full((8, 8), 40000, np.uint16)), "PNG"),
    "BMP": lambda: encode(Image.new("RGB", (64, 48), (250, 0, 0)), "BMP"),
    "WEBP": lambda: encode(Image.new("RGB", (30, 30), (0, 0, 250)), "WEBP", lossless=True),
    "JPEG": lambda: encode(Image.new("RGB", (300, 120), (0, 128, 0)), "JPEG", quality=95),
    "GIF": lambda: encode(Image.new("P", (17, 17), 3), "GIF"),
}


@pytest.mark.parametrize("name", sorted(MODE_SAMPLES))
@pytest.mark.parametrize(("size", "channels"), [(32, 3), (16, 1), (7, 3)])
def test_every_mode_and_format_becomes_uint8_square(name: str, size: int, channels: int) -> None:
    array = decode_image(MODE_SAMPLES[name](), size, channels)
    assert array.shape == (size, size, channels)
    assert array.dtype == np.uint8


def test_sixteen_bit_is_scaled_not_clipped_to_white() -> None:
    raw = encode(Image.fromarray(np.full((8, 8), 40000, np.uint16)), "PNG")
    assert Image.open(io.BytesIO(raw)).mode.startswith("I")  # really a 16-bit file
    array = decode_image(raw, 8, 1)
    assert np.all(np.abs(array.astype(int) - round(40000 / 257)) <= 1)


def test_sixteen_bit_gradient_keeps_its_order() -> None:
    ramp = np.tile(np.linspace(0, 65535, 16).astype(np.uint16), (16, 1))
    array = decode_image(encode(Image.fromarray(ramp), "PNG"), 16, 1)[0, :, 0]
    assert array[0] < 5 and array[-1] > 250
    assert np.all(np.diff(array.astype(int)) >= 0)


def test_colours_survive_rgb_and_greyscale() -> None:
    red = decode_image(MODE_SAMPLES["BMP"](), 8, 3)
    assert tuple(red[4, 4]) == (250, 0, 0)
    grey = decode_image(MODE_SAMPLES["BMP"](), 8, 1)
    assert abs(int(grey[4, 4, 0]) - round(0.299 * 250)) <= 1


def test_cmyk_jpeg_is_converted_to_its_colour() -> None:
    red = decode_image(MODE_SAMPLES["CMYK"](), 8, 3).astype(int)  # C=0 M=255 Y=255 K=0 is red
    assert red[4, 4, 0] > 200 and red[4, 4, 1] < 60 and red[4, 4, 2] < 60


def test_transparent_pixels_are_laid_on_white() -> None:
    array = decode_image(palette_with_transparency(), 12, 3).astype(int)
    assert tuple(array[1, 6]) == (200, 30, 30)  # opaque top half keeps its colour
    assert tuple(array[10, 6]) == (255, 255, 255)  # transparent bottom half is white
    clear = encode(Image.new("RGBA", (6, 6), (0, 0, 0, 0)), "PNG")
    assert decode_image(clear, 6, 1).min() == 255


def test_gif_uses_its_first_frame() -> None:
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    raw = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert getattr(Image.open(io.BytesIO(raw)), "n_frames", 1) == 2
    first = decode_image(raw, 10, 3).astype(int)
    assert first[5, 5, 0] > 200 and first[5, 5, 2] < 50


def test_jpeg_exif_orientation_is_applied() -> None:
    img = Image.new("L", (40, 20), 0)
    img.paste(255, (20, 0, 40, 20))  # stored: left black, right white
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    raw = encode(img, "JPEG", exif=exif.tobytes(), quality=95)
    array = decode_image(raw, 16, 1)[..., 0].astype(int)
    # Displayed upright, the white half is at the bottom, not on the right.
    assert array[12:, :].mean() > 200 and array[:4, :].mean() < 50
    assert abs(array[:, :4].mean() - array[:, 12:].mean()) < 30


def test_mixed_sizes_and_aspect_ratios_fill_the_whole_square() -> None:
    for width, height in ((5, 50), (300, 3), (1, 1), (1000, 700)):
        raw = encode(Image.new("RGB", (width, height), (0, 0, 255)), "PNG")
        array = decode_image(raw, 24, 3)
        assert array.shape == (24, 24, 3)
        assert np.all(array[..., 2] == 255)  # direct resize: no padding, no borders


def test_pixel_limit_rejects_before_decoding() -> None:
    raw = encode(Image.new("L", (2000, 2000), 0), "PNG")  # a few KB that inflate to 4 MB
    assert len(raw) < 50_000
    with pytest.raises(ImageDecodeError, match="4,000,000 pixels"):
        decode_image(raw, 32, 1, max_pixels=1_000_000)
    assert decode_image(raw, 32, 1, max_pixels=4_000_000).shape == (32, 32, 1)


def test_pixel_limit_does_not_rely_on_or_touch_pillows_global(monkeypatch) -> None:
    raw = encode(Image.new("L", (1500, 1500), 0), "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # some library turned it off
    with pytest.raises(ImageDecodeError, match="pixels"):
        decode_image(raw, 32, 1, max_pixels=1_000_000)
    assert Image.MAX_IMAGE_PIXELS is None
    monkeypatch.undo()
    before = Image.MAX_IMAGE_PIXELS
    decode_image(raw, 32, 1, max_pixels=3_000_000)
    assert Image.MAX_IMAGE_PIXELS == before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, "corrupt|not a readable"),
        (b"just some text, not a picture", "not a readable"),
        (b"", "not a readable"),
        (encode(Image.new("RGB", (8, 8)), "TIFF"), "not a readable"),  # format not allowed
    ],
)
def test_bad_bytes_raise_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(ImageDecodeError, match=reason):
        decode_image(raw, 16, 3)


def test_truncated_jpeg_is_reported_not_half_decoded() -> None:
    rng = np.random.default_rng(0)
    noisy = Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8))
    raw = encode(noisy, "JPEG")
    with pytest.raises(ImageDecodeError, match="corrupt or truncated"):
        decode_image(raw[: len(raw) // 2], 16, 3)


@pytest.mark.parametrize(("size", "channels"), [(32, 2), (32, 4), (2, 3), (5000, 3)])
def test_impossible_targets_are_refused(size: int, channels: int) -> None:
    with pytest.raises(DatasetError):
        check_target_shape(size, channels)


def test_gallery_indices_are_per_class_stable_and_capped() -> None:
    labels = np.array(["b"] * 3 + ["a"] * 20 + ["c"] * 9)
    picks = gallery_indices(labels, per_class=8, seed=3)
    assert list(picks) == ["a", "b", "c"]
    assert len(picks["a"]) == 8 and len(picks["b"]) == 3 and len(picks["c"]) == 8
    for name, indices in picks.items():
        assert np.all(labels[indices] == name)
        assert len(set(indices.tolist())) == len(indices)
    again = gallery_indices(labels, per_class=8, seed=3)
    assert all(np.array_equal(picks[k], again[k]) for k in picks)
    other = gallery_indices(labels, per_class=8, seed=4)
    assert not np.array_equal(picks["a"], other["a"])


def test_a_colour_decoded_set_that_is_grey_keeps_one_channel():
    from data.images import greyscale_if_grey

    grey = np.repeat(np.arange(2 * 4 * 4, dtype=np.uint8).reshape(2, 4, 4, 1), 3, axis=-1)
    single = greyscale_if_grey(grey)
    assert single.shape == (2, 4, 4, 1) and np.array_equal(single[..., 0], grey[..., 0])
    grey[1, 0, 0, 2] += 1  # one pixel off grey
    assert greyscale_if_grey(grey) is None
