"""Train page: choose a model and its hyperparameters for the selected dataset, and queue it."""

import streamlit as st

from dashboard.chosen_dataset import Choice, chosen
from dashboard.plain_text import md
from dashboard.services import get_manager, get_store
from dashboard.train_page.crossval import crossval_folds, submit_folds
from dashboard.train_page.param_widgets import DISK_BATCH_SIZE, for_dataset, param_inputs
from dashboard.train_page.started import started_runs
from dashboard.train_page.sweep_form import start_sweep_from_form, sweep_form
from models.registry import kinds_for
from models.spec import RunSpec

st.title("Train")
choice = chosen()
if choice is None:
    from data.registry import builtin_catalog

    entries = {entry.name: entry for entry in builtin_catalog()}
    name = st.selectbox(
        "Dataset (or choose one on the Data page)", list(entries), key="train_dataset"
    )
    entry = entries[name]
    choice = Choice(entry.ref, entry.name, entry.kind)
else:
    st.markdown(f"Dataset: **{md(choice.name)}** ({choice.kind}) — change it on the Data page.")
    if choice.ref.startswith("path:"):
        st.caption(
            f"A table read from disk: every epoch reads all its training rows again, so a "
            f"few epochs and large batches ({DISK_BATCH_SIZE} rows to start with) train it "
            "much faster."
        )

kinds = {kind.label: kind for kind in kinds_for(choice.kind)}
label = st.selectbox("Model", list(kinds), key="train_model")
kind = kinds[label]
st.caption(kind.description)
mode = (
    st.segmented_control(
        "Train",
        ["One run", "Sweep"],
        default="One run",
        key="train_mode",
        help="Sweep: search the hyperparameters over lists or ranges, one run per trial.",
    )
    or "One run"
)
folds = 0
if mode == "Sweep":
    sweep_texts, sweep_options = sweep_form(kind, f"s_{kind.key}")
else:
    params = param_inputs(*for_dataset(kind.defaults, choice.ref, f"p_{kind.key}"))
    folds = crossval_folds()
left, right = st.columns(2)
seed = int(left.number_input("Seed", min_value=0, value=0, step=1, key="train_seed"))
test_size = right.slider(
    "Test split",
    0.1,
    0.4,
    0.2,
    0.05,
    key="train_test_size",
    disabled=bool(folds),
    help="With cross-validation each fold is the test split of its run.",
)
left, right = st.columns(2)
run_name = left.text_input(
    "Run name (optional)", key="train_run_name", help="Shown in the run lists instead of its id."
)
run_tags = right.text_input(
    "Tags (optional, comma-separated)",
    key="train_run_tags",
    help="Words to find and group runs by, e.g. 'baseline, small'.",
)

start = "Start cross-validation" if folds else "Start training"
if mode == "Sweep":
    if st.button("Start sweep", type="primary", key="start_sweep"):
        start_sweep_from_form(kind, sweep_texts, sweep_options, choice, seed, test_size, run_name)
elif st.button(start, type="primary", key="start_training"):
    spec = RunSpec(choice.ref, kind.key, params, seed, test_size, dict(choice.options))
    if folds:
        # fold 1 last: "Started here" shows the newest few, and fold 1 trains first
        st.session_state.setdefault("started_runs", []).extend(
            reversed(submit_folds(choice, spec, folds, run_name, run_tags))
        )
    else:
        run_id = get_manager().submit(spec, dataset_name=choice.name, name=run_name, tags=run_tags)
        st.session_state.setdefault("started_runs", []).append(run_id)
        st.success(f"Queued run **{md(run_name or run_id)}** ({kind.label} on {md(choice.name)}).")

if st.session_state.get("started_runs"):
    started_runs(get_store(), st.session_state["started_runs"])
