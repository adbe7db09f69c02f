"""Everything an Explore view may need about one finished run, loaded once per rerun.

The run's capabilities are worked out here and nowhere else: from its meta.json
(the only place the model key is passed on, for runs saved before meta recorded
them), from the store's per-epoch history (CURVES), and from whether its saved
model is still on disk. Views read `ctx.capabilities`, never the model key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.modality import Modality, modality_of
from data.dataset import Dataset
from models import capabilities as caps
from models.artifacts import RunResults, load_results
from models.groups import Group, get_group
from models.store import Run, RunStore

# What only a saved model can show: these go when its file is gone.
SAVED_MODEL_CAPABILITIES = frozenset(
    {
        caps.PREDICT_ONE,
        caps.CONV_MAPS,
        caps.GRADCAM,
        caps.IMAGE_ATTENTION,
        caps.TOKEN_ATTENTION,
        caps.TOKEN_SALIENCY,
    }
)
KERAS_SUFFIX = ".keras"
SKOPS_SUFFIX = ".skops"


@dataclass(frozen=True)
class ExploreContext:
    run: Run
    run_dir: Path
    results: RunResults | None
    dataset: Dataset | None
    history: pd.DataFrame
    capabilities: frozenset[str] = frozenset()
    data_kind: str | None = None  # the dataset's kind, known even once the dataset is gone
    group: Group | None = None  # the cross-validation or sweep the run belongs to

    @property
    def classification(self) -> bool:
        return self.results is not None and self.results.task == "classification"

    @property
    def modality(self) -> Modality:
        """The adapter for the run's kind of data (how its samples are shown and picked)."""
        return modality_of(self.dataset.kind if self.dataset is not None else self.data_kind)

    @property
    def model_file(self) -> str:
        """The saved model's file name in the run folder ("" when the run saved none)."""
        return self.results.meta.get("model_file", "") if self.results is not None else ""

    @property
    def keras_model_file(self) -> bool:
        return self.model_file.endswith(KERAS_SUFFIX)

    @property
    def runs_keras_model(self) -> bool:
        """Some view runs the saved Keras model (a probe, a prediction), so needs TensorFlow."""
        return bool(self.capabilities & SAVED_MODEL_CAPABILITIES) and self.keras_model_file

    @property
    def runs_skops_model(self) -> bool:
        """Some view loads the saved scikit-learn model, so needs skops (its import lists
        every scikit-learn estimator, the longest part of a first load)."""
        return bool(self.capabilities & SAVED_MODEL_CAPABILITIES) and self.model_file.endswith(
            SKOPS_SUFFIX
        )

    def sample_table(self, test_rows: np.ndarray) -> pd.DataFrame:
        """Test samples (by position in the test set) with label, prediction and confidence."""
        results = self.results
        names = np.asarray(results.class_names, dtype=object)
        from models.tabular.stream_results import table_rows

        dataset_rows = table_rows(results)[test_rows]  # in the table on disk, for a streamed run
        table = pd.DataFrame({"test row": test_rows, "dataset row": dataset_rows})
        if self.classification:
            table["true"] = names[results.y_true[test_rows]]
            table["predicted"] = names[results.y_pred[test_rows]]
            if results.proba is not None:
                table["confidence"] = results.proba[test_rows].max(axis=1).round(3)
        else:
            table["true"] = results.y_true[test_rows]
            table["predicted"] = results.y_pred[test_rows]
        return pd.concat([table, self.sample_values(results.test_index[test_rows])], axis=1)

    def sample_values(self, dataset_rows: np.ndarray) -> pd.DataFrame:
        """The samples themselves as columns (a table's row values, a text), as the data allows."""
        if self.dataset is None:
            return pd.DataFrame(index=range(len(dataset_rows)))
        return self.modality.sample_values(self.dataset.data, dataset_rows)


def run_capabilities(
    run: Run, run_dir: Path, results: RunResults | None, history: pd.DataFrame
) -> frozenset[str]:
    """What the Explore views may show for this run, as it is on disk now."""
    meta = results.meta if results is not None else {}
    found = set(caps.of_run(meta, run.spec.model))
    found.discard(caps.CURVES)  # the store's history is the truth: a running run has some too
    if len(history):
        found.add(caps.CURVES)
    model_file = meta.get("model_file", "")
    if not model_file or not (run_dir / model_file).exists():
        found -= SAVED_MODEL_CAPABILITIES
    return frozenset(found)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_results(run_dir: str, finished: float | None) -> RunResults | None:
    """A run folder's results, loaded once per finish time (a rerun of the run reloads)."""
    return load_results(Path(run_dir))


def load_context(store: RunStore, run: Run) -> ExploreContext:
    from dashboard.services import load_dataset
    from data.dataset import DatasetError
    from models.tabular.stream_results import sample_dataset

    run_dir = store.run_dir(run.id)
    try:  # a run on a table on disk shows its saved sample of test rows
        dataset = sample_dataset(run_dir, run.spec.dataset) or load_dataset(
            run.spec.dataset, run.spec.dataset_options
        )
    except DatasetError:
        dataset = None
    results = cached_results(str(run_dir), run.finished)
    history = store.history(run.id)
    meta = results.meta if results is not None else {}
    return ExploreContext(
        run,
        run_dir,
        results,
        dataset,
        history,
        capabilities=run_capabilities(run, run_dir, results, history),
        data_kind=dataset.kind if dataset is not None else meta.get("modality"),
        group=get_group(store, run.group_id) if run.group_id else None,
    )
