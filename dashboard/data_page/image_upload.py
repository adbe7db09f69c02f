"""The Data page's image upload: a zip or a folder with one sub-folder per class.

Images are decoded once per upload and setting (size, channels), stored in the
workspace already normalised, and from then on known by their reference; a
rerun of the page (any widget click) never decodes them again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data_page.earlier_uploads import pick_earlier_upload
from dashboard.plain_text import md
from dashboard.services import get_store, load_dataset
from data.dataset import DatasetError, ImageData

SIZES = [8, 16, 28, 32, 48, 64, 96, 128]
ZIP, FOLDER = "Zip of class folders", "Folder of class folders"
AUTO = 0  # channels: as the images are
CHANNELS = {AUTO: "as the images are", 3: "colour (RGB)", 1: "greyscale"}
_CACHE = "image_upload_results"


def _name_of(files: list, mode: str) -> str:
    first = files[0].name
    if mode == ZIP:
        return first.removesuffix(".zip").removesuffix(".ZIP") or "images"
    return first.replace("\\", "/").split("/")[0] or "images"


def _decode(files: list, mode: str, size: int, channels: int) -> dict:
    """Read the upload and save it; {'ref', 'skipped', 'notes'} or {'error'}.

    Channels AUTO read colour, then keep one channel if every image turns out grey."""
    from data.image_archive import read_image_files, read_image_zip
    from data.images import greyscale_if_grey
    from data.registry import save_image_upload

    read_as = 3 if channels == AUTO else channels
    try:
        if mode == ZIP:
            result = read_image_zip(files[0], size=size, channels=read_as)
        else:
            pairs = [(upload.name, upload.getvalue()) for upload in files]
            result = read_image_files(pairs, size=size, channels=read_as)
    except DatasetError as error:
        return {"error": str(error)}
    data, notes = result.data, list(result.notes)
    grey = greyscale_if_grey(data.images) if channels == AUTO else None
    if grey is not None:
        data = ImageData(grey, data.labels)
        notes.append(
            "Every image is greyscale, so the set keeps one channel (pick colour to keep three)."
        )
    ref = save_image_upload(get_store().workspace, _name_of(files, mode), data)
    return {"ref": ref, "skipped": result.skipped, "notes": notes}


def _loaded(files: list, mode: str, size: int, channels: int) -> dict:
    """Decoded at most once per (files, size, channels) in this session."""
    key = (mode, tuple(upload.file_id for upload in files), size, channels)
    cache = st.session_state.setdefault(_CACHE, {})
    if key not in cache:
        with st.spinner(f"Reading {len(files):,} file(s)…"):
            cache[key] = _decode(files, mode, size, channels)
    return cache[key]


def _show_skipped(skipped: list[tuple[str, str]]) -> None:
    if not skipped:
        return
    with st.expander(
        f"{len(skipped):,} file(s) skipped — see why",
        expanded=len(skipped) < 6,
        icon=":material/warning:",
    ):
        frame = pd.DataFrame(skipped, columns=["file", "reason"])
        st.dataframe(frame, hide_index=True, key="image_upload_skipped")


def _uploaded_files(mode: str) -> list:
    if mode == ZIP:
        upload = st.file_uploader(
            "Zip with one folder per class (e.g. cats/…, dogs/…)",
            type=["zip"],
            key="image_zip_upload",
            help="PNG, JPEG, BMP, WebP or GIF images. Folders inside one top folder are fine.",
        )
        return [upload] if upload is not None else []
    return st.file_uploader(
        "Folder with one sub-folder per class",
        accept_multiple_files="directory",
        key="image_folder_upload",
        help="Choose the folder that holds the class folders; other files are listed as skipped.",
    )


def image_upload_source() -> None:
    """Upload widgets, what was skipped and why, then the summary of the stored set."""
    from dashboard.data_page.image_summary import render_images

    mode = st.radio("Upload as", [ZIP, FOLDER], horizontal=True, key="image_upload_mode")
    left, right = st.columns(2)
    size = left.select_slider(
        "Image size (pixels a side; every image is resized to it)",
        SIZES,
        value=32,
        key="image_upload_size",
    )
    channels = right.radio(
        "Channels",
        [AUTO, 3, 1],
        format_func=CHANNELS.get,
        horizontal=True,
        key="image_upload_channels",
        help="As the images are: greyscale when every image is grey, colour otherwise.",
    )
    files = _uploaded_files(mode)
    ref = None
    if files:
        loaded = _loaded(files, mode, int(size), int(channels))
        if "error" in loaded:
            what = files[0].name if mode == ZIP else "the folder"
            st.error(f"Could not use **{md(what)}**: {md(loaded['error'])}")
            return
        for note in loaded["notes"]:
            st.info(note)
        _show_skipped(loaded["skipped"])
        ref = loaded["ref"]
    else:
        earlier = pick_earlier_upload("image", "…or images uploaded earlier", key="image_earlier")
        ref = earlier.ref if earlier else None
    if ref is None:
        st.caption("Upload images to see counts per class and examples.")
        return
    try:
        render_images(load_dataset(ref))
    except DatasetError as error:
        st.error(str(error))
