"""Zip and folder uploads: layouts, junk, bad files, and every safety limit."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import data.image_archive as archive_module
from data.dataset import DatasetError
from data.image_archive import (
    ArchiveLimits,
    read_capped,
    read_image_files,
    read_image_zip,
)
from tests.zip_samples import BLUE, RED, make_zip, png


def two_classes(prefix: str = "", per_class: int = 3) -> dict[str, bytes]:
    entries = {}
    for label, colour in (("cats", RED), ("dogs", BLUE)):
        for i in range(per_class):
            entries[f"{prefix}{label}/{i}.png"] = png(colour)
    return entries


def zip_with_zeros(name: str, megabytes: int, extra: dict[str, bytes] | None = None) -> bytes:
    """A real high-ratio deflate entry, written by streaming so it never sits in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for extra_name, raw in (extra or {}).items():
            archive.writestr(extra_name, raw)
        with archive.open(name, "w") as handle:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                handle.write(chunk)
    return buffer.getvalue()


# --- layouts ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "pets/", "export/pets/"])
def test_both_zip_layouts_give_the_same_classes(prefix: str) -> None:
    result = read_image_zip(make_zip(two_classes(prefix)), size=16)
    assert result.class_counts == {"cats": 3, "dogs": 3}
    assert result.data.images.shape == (6, 16, 16, 3)
    cats = result.data.images[result.data.labels == "cats"]
    assert np.all(cats[..., 0] == RED[0]) and np.all(cats[..., 2] == RED[2])
    assert result.skipped == [] and result.notes == []


def test_nested_folders_belong_to_their_top_class_folder() -> None:
    entries = two_classes("pets/")
    entries["pets/cats/indoor/sofa/4.png"] = png(RED)
    result = read_image_zip(make_zip(entries))
    assert result.class_counts == {"cats": 4, "dogs": 3}


def test_files_at_the_root_are_skipped_with_a_reason() -> None:
    entries = two_classes("pets/")
    entries["pets/loose.png"] = png()
    entries["top.png"] = png()
    result = read_image_zip(make_zip(entries))
    skipped = dict(result.skipped)
    assert set(skipped) == {"pets/loose.png", "top.png"}
    assert all("class folder" in why for why in skipped.values())
    assert result.class_counts == {"cats": 3, "dogs": 3}


def test_class_names_are_unicode_normalised() -> None:
    decomposed, composed = (
        "cafe\u0301",
        "caf\u00e9",
    )  # the same "café" as macOS and Windows write it
    entries = {f"{decomposed}/0.png": png(), f"{composed}/1.png": png(), "tea/0.png": png()}
    entries["tea/1.png"] = png()
    result = read_image_zip(make_zip(entries))
    assert result.class_counts == {composed: 2, "tea": 2}


def test_a_file_object_works_like_bytes() -> None:
    result = read_image_zip(io.BytesIO(make_zip(two_classes())), size=8, channels=1)
    assert result.data.images.shape == (6, 8, 8, 1)


@pytest.mark.parametrize("prefix", ["", "my_photos/"])
def test_folder_upload_uses_relative_paths(prefix: str) -> None:
    files = [(name, raw) for name, raw in two_classes(prefix).items()]
    files += [(f"{prefix}notes.txt", b"hello"), (f"{prefix}.DS_Store", b"junk")]
    files += [(f"{prefix}birds\\0.png", png()), (f"{prefix}birds\\1.png", png())]
    result = read_image_files(files, size=12)
    assert result.class_counts == {"birds": 2, "cats": 3, "dogs": 3}
    assert result.data.images.shape == (8, 12, 12, 3)
    assert [name for name, _ in result.skipped] == [f"{prefix}notes.txt"]


# --- bad and junk entries ----------------------------------------------------------------


def test_corrupt_text_and_junk_entries() -> None:
    entries = two_classes()
    entries["cats/broken.png"] = b"\x89PNG\r\n\x1a\n not really"
    entries["cats/fake.jpg"] = b"plain text"
    entries["dogs/readme.txt"] = b"about the dogs"
    entries["__MACOSX/cats/._0.png"] = b"\x00\x05\x16\x07 resource fork"
    entries["cats/.DS_Store"] = b"junk"
    entries["dogs/Thumbs.db"] = b"junk"
    entries[".hidden/x.png"] = png()
    result = read_image_zip(make_zip(entries))
    skipped = dict(result.skipped)
    assert set(skipped) == {"cats/broken.png", "cats/fake.jpg", "dogs/readme.txt"}
    assert "not an image file (.txt)" in skipped["dogs/readme.txt"]
    assert "not a readable" in skipped["cats/fake.jpg"]
    assert result.class_counts == {"cats": 3, "dogs": 3}


def test_unsafe_paths_are_skipped_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    unsafe = ["../evil.png", "../../evil2.png", "cats/../../evil3.png", "/tmp/evil4.png"]
    unsafe += ["C:/evil5.png", "C:\\Windows\\evil6.png"]
    entries = two_classes() | {name: png() for name in unsafe}
    result = read_image_zip(make_zip(entries))
    reasons = dict(result.skipped)
    assert {name.replace("\\", "/") for name in unsafe} == set(reasons)
    assert all("unsafe path" in why for why in reasons.values())
    assert result.class_counts == {"cats": 3, "dogs": 3}
    assert list(tmp_path.rglob("*")) == [tmp_path / "deep", work]
    assert not os.path.exists("/tmp/evil4.png")


def test_symlink_entries_are_skipped() -> None:
    buffer = io.BytesIO(make_zip(two_classes()))
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("cats/link.png")
        link.external_attr = (0o120777 << 16) | 0
        archive.writestr(link, "/etc/passwd")
    result = read_image_zip(buffer.getvalue())
    assert dict(result.skipped) == {"cats/link.png": "symbolic link, not a file"}


def test_encrypted_entries_are_skipped() -> None:
    raw = bytearray(make_zip(two_classes() | {"cats/secret.png": b"ciphertext"}))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("cats/secret.png")
    central = raw.rfind(b"PK\x01\x02")
    assert raw[central + 46 : central + 46 + 15] == b"cats/secret.png"
    struct.pack_into("<H", raw, info.header_offset + 6, 0x1)  # "encrypted" flag, both headers
    struct.pack_into("<H", raw, central + 8, 0x1)
    result = read_image_zip(bytes(raw))
    assert "encrypted" in dict(result.skipped)["cats/secret.png"]
    assert result.class_counts == {"cats": 3, "dogs": 3}


def test_a_class_with_one_image_is_dropped_with_a_note() -> None:
    entries = two_classes() | {"birds/only.png": png()}
    result = read_image_zip(make_zip(entries))
    assert result.class_counts == {"cats": 3, "dogs": 3}
    assert "birds" not in set(result.data.labels)
    assert any("birds" in note and "at least 2" in note for note in result.notes)


def test_a_single_class_is_an_error_that_says_how_to_fix_it() -> None:
    entries = {f"cats/{i}.png": png() for i in range(4)}
    with pytest.raises(DatasetError, match="at least two class folders"):
        read_image_zip(make_zip(entries))


def test_two_classes_that_shrink_to_one_is_an_error() -> None:
    entries = {f"cats/{i}.png": png() for i in range(4)} | {"dogs/0.png": png()}
    with pytest.raises(DatasetError, match="only one class"):
        read_image_zip(make_zip(entries))


def test_empty_zip_has_no_usable_images() -> None:
    with pytest.raises(DatasetError, match="no usable images"):
        read_image_zip(make_zip({}))


def test_zip_of_only_bad_files_lists_some_reasons() -> None:
    entries = {"cats/a.txt": b"x", "dogs/b.png": b"not png"}
    with pytest.raises(DatasetError, match=r"no usable images.*a\.txt"):
        read_image_zip(make_zip(entries))


@pytest.mark.parametrize("raw", [b"", b"hello, I am a CSV\n1,2,3\n", png()])
def test_not_a_zip_is_an_error(raw: bytes) -> None:
    with pytest.raises(DatasetError, match="not a readable zip"):
        read_image_zip(raw)


def test_every_mode_in_one_zip_is_normalised() -> None:
    def encoded(img: Image.Image, fmt: str, **options) -> bytes:
        buffer = io.BytesIO()
        img.save(buffer, fmt, **options)
        return buffer.getvalue()

    frames = [Image.new("RGB", (9, 9), c) for c in (RED, BLUE)]
    samples = {
        "l.png": encoded(Image.new("L", (10, 30), 70), "PNG"),
        "la.png": encoded(Image.new("LA", (30, 10), (70, 128)), "PNG"),
        "rgb.jpg": encoded(Image.new("RGB", (640, 480), RED), "JPEG"),
        "rgba.png": encoded(Image.new("RGBA", (11, 11), (*BLUE, 100)), "PNG"),
        "p.gif": encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]),
        "cmyk.jpeg": encoded(Image.new("CMYK", (20, 20), (0, 200, 200, 0)), "JPEG"),
        "deep.png": encoded(Image.fromarray(np.full((9, 9), 50000, np.uint16)), "PNG"),
        "pic.bmp": encoded(Image.new("RGB", (3, 100), BLUE), "BMP"),
        "pic.webp": encoded(Image.new("RGB", (50, 50), RED), "WEBP"),
    }
    entries = {f"{label}/{name}": raw for label in ("a", "b") for name, raw in samples.items()}
    for channels in (1, 3):
        result = read_image_zip(make_zip(entries), size=20, channels=channels)
        assert result.skipped == []
        assert result.data.images.shape == (18, 20, 20, channels)
        assert result.data.images.dtype == np.uint8
        deep = result.data.images[list(sorted(entries)).index("a/deep.png")]
        assert abs(int(deep[5, 5, 0]) - round(50000 / 257)) <= 1


def test_image_order_is_the_same_whatever_the_zip_order() -> None:
    entries = {f"{label}/{i}.png": png((i * 40, 0, 0)) for label in ("x", "y") for i in range(4)}
    backwards = dict(reversed(list(entries.items())))
    first, second = read_image_zip(make_zip(entries)), read_image_zip(make_zip(backwards))
    assert np.array_equal(first.data.images, second.data.images)
    assert np.array_equal(first.data.labels, second.data.labels)


# --- limits ------------------------------------------------------------------------------


def test_real_zip_bomb_is_refused_by_the_default_limits(monkeypatch) -> None:
    bomb = zip_with_zeros("cats/zeros.png", megabytes=200, extra=two_classes())
    assert len(bomb) < 1_000_000  # 200 MB of zeros really did deflate ~1000:1

    def never(*args):
        raise AssertionError("an entry was inflated before the headers were checked")

    monkeypatch.setattr(archive_module, "_read_member", never)
    with pytest.raises(DatasetError, match=r"cats/zeros\.png expands .*:1.*100:1.*zip bomb"):
        read_image_zip(bomb)


def test_overall_ratio_is_checked_against_the_archive_size() -> None:
    entries = {f"{label}/{i}.bmp": bytes(300_000) for label in "ab" for i in range(4)}
    limits = ArchiveLimits(max_entry_ratio=1e9, max_total_ratio=50, ratio_floor_bytes=1 << 20)
    with pytest.raises(DatasetError, match="the archive as a whole expands"):
        read_image_zip(make_zip(entries), limits=limits)


def test_too_many_entries() -> None:
    with pytest.raises(DatasetError, match=r"7 entries; the limit is 6"):
        read_image_zip(
            make_zip(two_classes() | {"x.txt": b""}), limits=ArchiveLimits(max_entries=6)
        )
    with pytest.raises(DatasetError, match=r"7 files; the limit is 6"):
        files = list((two_classes() | {"x.txt": b""}).items())
        read_image_files(files, limits=ArchiveLimits(max_entries=6))


def test_declared_total_size_over_the_limit() -> None:
    noise = np.random.default_rng(0).bytes(400_000)  # incompressible, so the ratio is fine
    entries = {"a/0.png": noise, "a/1.png": noise, "b/0.png": noise}
    with pytest.raises(DatasetError, match=r"expand to 1\.1 MB; the limit is 1\.0 MB"):
        read_image_zip(make_zip(entries), limits=ArchiveLimits(max_total_bytes=1 << 20))
    with pytest.raises(DatasetError, match=r"holds 1\.1 MB; the limit is 1\.0 MB"):
        read_image_files(list(entries.items()), limits=ArchiveLimits(max_total_bytes=1 << 20))


def test_per_file_size_limit_skips_that_file_only() -> None:
    entries = two_classes() | {"cats/huge.bmp": np.random.default_rng(1).bytes(70_000)}
    limits = ArchiveLimits(max_entry_bytes=60_000)
    for result in (
        read_image_zip(make_zip(entries), limits=limits),
        read_image_files(list(entries.items()), limits=limits),
    ):
        assert list(dict(result.skipped)) == ["cats/huge.bmp"]
        assert "per-file limit" in dict(result.skipped)["cats/huge.bmp"]
        assert result.class_counts == {"cats": 3, "dogs": 3}


def test_decompression_bomb_image_is_skipped_by_pixel_count() -> None:
    buffer = io.BytesIO()
    Image.new("L", (3000, 3000), 0).save(buffer, "PNG")  # ~9 MB of pixels in a few KB
    entries = two_classes() | {"dogs/bomb.png": buffer.getvalue()}
    result = read_image_zip(make_zip(entries), limits=ArchiveLimits(max_pixels=1_000_000))
    assert list(dict(result.skipped)) == ["dogs/bomb.png"]
    assert "9,000,000 pixels" in dict(result.skipped)["dogs/bomb.png"]
    assert result.class_counts == {"cats": 3, "dogs": 3}


def test_too_many_images_keeps_each_class_share() -> None:
    entries = {f"big/{i:02d}.png": png(RED) for i in range(30)}
    entries |= {f"small/{i:02d}.png": png(BLUE) for i in range(10)}
    result = read_image_zip(make_zip(entries), limits=ArchiveLimits(max_images=20))
    assert result.class_counts == {"big": 15, "small": 5}
    assert any("Kept 20 of 40" in note for note in result.notes)


def test_streaming_cap_holds_even_when_headers_lie(monkeypatch) -> None:
    """If the header checks were fooled, reading still stops at the cap, not at the end."""
    monkeypatch.setattr(archive_module, "_check_declared", lambda *args: None)
    bomb = zip_with_zeros("cats/zeros.png", megabytes=20, extra=two_classes())
    with pytest.raises(DatasetError, match="zip bomb"):
        read_image_zip(bomb)
    noise = np.random.default_rng(2).bytes(600_000)
    entries = two_classes() | {"cats/a.bmp": noise, "dogs/b.bmp": noise}
    with pytest.raises(DatasetError, match="its headers said less"):
        read_image_zip(make_zip(entries), limits=ArchiveLimits(max_total_bytes=1_000_000))


def test_entry_whose_header_understates_its_size_is_reported_as_damaged() -> None:
    raw = bytearray(zip_with_zeros("cats/x.png", megabytes=4, extra=two_classes()))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("cats/x.png")
    # Rewrite "uncompressed size" in the local header and the central directory to 1,000.
    struct.pack_into("<I", raw, info.header_offset + 22, 1000)
    central = raw.rfind(b"PK\x01\x02")
    assert raw[central + 46 : central + 46 + len("cats/x.png")] == b"cats/x.png"
    struct.pack_into("<I", raw, central + 24, 1000)
    result = read_image_zip(bytes(raw))
    assert "damaged zip entry" in dict(result.skipped)["cats/x.png"]
    assert result.class_counts == {"cats": 3, "dogs": 3}


def test_read_capped_stops_at_the_cap() -> None:
    assert read_capped(io.BytesIO(b"x" * 100), cap=100) == b"x" * 100

    class Endless(io.RawIOBase):
        served = 0

        def read(self, n: int = -1) -> bytes:
            Endless.served += n
            return b"\0" * n

    with pytest.raises(archive_module._CapExceeded):
        read_capped(Endless(), cap=5_000_000)
    assert Endless.served <= 5_000_001


def test_split_folders_get_a_note() -> None:
    result = read_image_zip(
        make_zip({f"{s}/{i}.png": png() for s in ("train", "test") for i in range(2)})
    )
    assert any("look like data splits" in note for note in result.notes)
