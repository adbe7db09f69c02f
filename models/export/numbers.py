"""A run's numbers as files: metrics (JSON), per-epoch history, test predictions, confusion.

Plain text formats any spreadsheet or script reads; predictions name the rows by
their position in the dataset as loaded, so they join back to the data.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

from models.artifacts import RunResults
from models.run_record import Run


def metrics_json(run: Run, results: RunResults | None) -> str:
    """Headline metrics, per-class precision/recall/F1 and the run's spec, as JSON."""
    from models import metrics

    record: dict[str, Any] = {
        "run": run.id,
        "name": run.name,
        "model": run.spec.model,
        "dataset": run.dataset_name or run.spec.dataset,
        "status": run.status,
        "metrics": run.final_metrics,
        "spec": json.loads(run.spec.to_json()),
    }
    if results is not None and results.task == "classification":
        report = metrics.per_class_report(results.y_true, results.y_pred, results.class_names)
        record["per_class"] = {
            str(name): {key: float(value) for key, value in row.items()}
            for name, row in report.iterrows()
        }
    return json.dumps(record, indent=1)


def history_csv(history) -> str:
    """One row per epoch (an empty table with an epoch column for runs without epochs)."""
    return history.to_csv(index=False)


def predictions_csv(results: RunResults) -> str:
    """Each test row: its position in the dataset, true and predicted value, probabilities."""
    import pandas as pd

    frame = pd.DataFrame({"row": results.test_index})
    if results.task == "classification":
        names = np.asarray(results.class_names, dtype=object)
        frame["true"] = names[results.y_true]
        frame["predicted"] = names[results.y_pred]
        if results.proba is not None:
            for index, name in enumerate(results.class_names):
                frame[f"probability {name}"] = results.proba[:, index].round(6)
    else:
        frame["true"] = results.y_true
        frame["predicted"] = results.y_pred
    return frame.to_csv(index=False)


def confusion_csv(results: RunResults) -> str:
    """Counts: one row per true class, one column per predicted class."""
    import pandas as pd

    from models import metrics

    names = results.class_names
    matrix = metrics.confusion(results.y_true, results.y_pred, len(names))
    frame = pd.DataFrame(matrix, index=pd.Index(names, name="true \\ predicted"), columns=names)
    buffer = io.StringIO()
    frame.to_csv(buffer)
    return buffer.getvalue()
