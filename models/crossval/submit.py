"""Queueing a cross-validation: a group of k runs, fold 0 to k-1, that differ only in the fold."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from data.folds import check_folds
from models.groups import CROSSVAL, create_group
from models.spec import RunSpec
from models.store import RunStore


def submit_crossval(
    store: RunStore,
    spec: RunSpec,
    k: int,
    labels: np.ndarray | None,
    n_rows: int,
    dataset_name: str = "",
    name: str = "",
    tags: str = "",
) -> tuple[str, list[str]]:
    """The group id and its fold runs, queued in fold order.

    `labels` are the class of each row (None for regression): a k the smallest class cannot
    fill is refused here, before anything is queued (data.folds.check_folds says which class).
    """
    from models.registry import get_kind, model_label

    get_kind(spec.model)  # refuse unknown models before they reach the queue
    check_folds(labels, k, n_rows)
    title = (
        name.strip() or f"{k}-fold CV · {model_label(spec.model)} · {dataset_name or spec.dataset}"
    )
    group_id = create_group(
        store,
        CROSSVAL,
        title,
        {"k": int(k), "model": spec.model, "dataset": spec.dataset, "seed": int(spec.seed)},
    )
    runs = [
        store.create_run(
            replace(spec, folds=int(k), fold=fold),
            dataset_name=dataset_name,
            name=f"{name.strip() or f'{k}-fold CV'} · fold {fold + 1}/{k}",
            tags=tags,
            group=(group_id, fold),
        )
        for fold in range(int(k))
    ]
    return group_id, runs
