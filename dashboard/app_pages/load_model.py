"""Load a model: upload a .keras or .skops file, pair it with a dataset, evaluate it as a run."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.load_page import opening
from dashboard.load_page.pairing_form import dataset_and_facts, pairing_choice
from dashboard.services import get_store

st.title("Load a model")
st.markdown(
    "Bring a model you trained elsewhere: a Keras **.keras** file or a scikit-learn **.skops** "
    "file. Glassbox opens it without running code from the file, checks that it fits a "
    "dataset, and evaluates it as an *imported* run you can explore and compare."
)
upload = st.file_uploader(
    "Model file", type=["keras", "skops", "pkl", "pickle", "joblib"], key="load_file"
)


def _stash(upload) -> Path | None:
    from models.importing import ImportRefused
    from models.importing.runs import stash_model_file
    from models.importing.skops_file import refuse_by_suffix

    try:
        refuse_by_suffix(upload.name)
        return stash_model_file(get_store().workspace, upload.name, upload.getvalue())
    except ImportRefused as error:
        st.error(str(error))
        return None


@st.fragment(run_every=1.0)
def _wait_for(path: Path) -> None:
    if opening.answer(path) is None:
        st.info(f"Opening {path.name} in the background (safe mode)…")
    else:
        st.rerun()


def _summary_text(summary: dict) -> str:
    shape = "×".join("any" if d is None else str(d) for d in summary["input_shape"]) or "texts"
    outputs = summary["outputs"]
    return (
        f"**{summary['file']}** — {summary['framework']} model reading **{summary['input']}** "
        f"input ({shape}), making **{outputs}** output{'s' if outputs != 1 else ''}."
    )


def _evaluate(path: Path, summary: dict) -> None:
    from models.importing import ImportRefused
    from models.importing.pairing import check_pairing, modality_of
    from models.importing.runs import import_spec

    found = dataset_and_facts(modality_of(summary))
    if found is None:
        return
    ref, name, options, facts = found
    choice = pairing_choice(summary, facts, ref, name, options)
    try:
        pairing = check_pairing(summary, facts, choice.resize, choice.class_order)
    except ImportRefused as error:
        st.error(str(error))
        return
    if pairing.columns:
        st.caption("The model reads these columns, in this order: " + ", ".join(pairing.columns))
    if pairing.class_order:
        st.caption("Outputs in order: " + ", ".join(pairing.class_order))
    if st.button("Evaluate", type="primary", key="load_evaluate"):
        spec = import_spec(
            path,
            ref,
            pairing,
            dataset_options=options,
            pixel_scale=choice.pixel_scale,
            feature_layer=choice.feature_layer,
        )
        run_id = get_store().create_run(spec, dataset_name=name, name=f"{path.stem} (imported)")
        st.success(
            f"Queued imported run **{run_id}**; follow it on the Runs page, then Explore it."
        )
        st.page_link(  # to this run: while it waits its turn, the Runs page would open another
            "dashboard/app_pages/runs.py",
            label="Go to Runs",
            icon=":material/monitoring:",
            query_params={"run": run_id},
        )


if upload is not None:
    path = _stash(upload)
    if path is not None:
        opening.start(path)
        answer = opening.answer(path)
        if answer is None:
            _wait_for(path)
        elif "refused" in answer:
            st.error(answer["refused"])
        else:
            st.markdown(_summary_text(answer["summary"]))
            _evaluate(path, answer["summary"])
