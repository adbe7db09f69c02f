"""Everything an Explore view may need about one finished run, loaded once per rerun."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from data.dataset import Dataset
from models.artifacts import RunResults, load_results
from models.store import Run, RunStore


@dataclass(frozen=True)
class ExploreContext:
    run: Run
    run_dir: Path
    results: RunResults | None
    dataset: Dataset | None
    history: pd.DataFrame

    @property
    def classification(self) -> bool:
        return self.results is not None and self.results.task == "classification"

    @property
    def probes_keras_model(self) -> bool:
        """Image and text Keras runs: their views run the saved model, so need TensorFlow."""
        kind = self.dataset.kind if self.dataset is not None else None
        model_file = self.results.meta.get("model_file") if self.results else None
        return kind in ("image", "text") and model_file == "model.keras"

    def sample_table(self, test_rows: np.ndarray) -> pd.DataFrame:
        """Test samples (by position in the test set) with label, prediction and confidence."""
        results = self.results
        names = np.asarray(results.class_names, dtype=object)
        table = pd.DataFrame({"test row": test_rows, "dataset row": results.test_index[test_rows]})
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
        """The samples themselves as columns: a table's row values, or a text."""
        data = self.dataset.data if self.dataset else None
        if data is None or data.kind == "image":
            return pd.DataFrame(index=range(len(dataset_rows)))
        if data.kind == "text":
            return pd.DataFrame({"text": data.texts[dataset_rows]})
        frame = data.frame.drop(columns=[data.target]).iloc[dataset_rows]
        return frame.reset_index(drop=True)


@st.cache_resource(max_entries=8, show_spinner=False)
def _results(run_dir: str, finished: float | None) -> RunResults | None:
    return load_results(Path(run_dir))


def load_context(store: RunStore, run: Run) -> ExploreContext:
    from dashboard.services import load_dataset
    from data.dataset import DatasetError

    run_dir = store.run_dir(run.id)
    try:
        dataset = load_dataset(run.spec.dataset, run.spec.dataset_options)
    except DatasetError:
        dataset = None
    return ExploreContext(
        run, run_dir, _results(str(run_dir), run.finished), dataset, store.history(run.id)
    )
