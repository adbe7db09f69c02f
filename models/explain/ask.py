"""What pages call: an explanation if it is cached, else a queued request and its progress.

Every function here only reads files and the request table (no model runs, no
TensorFlow), so a page may call it on every rerun and poll until `ready`. Asking
again for something queued, running or done costs one query; a failed request stays
failed (with its message) until `retry`; a request marked done whose file is gone is
redone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from models.explain import cache
from models.explain.attention import TableAttention
from models.explain.contributions import Contributions
from models.explain.dependence import Dependence
from models.explain.permutation import Importance
from models.explain.queue import CONTRIBUTIONS, DEPENDENCE, IMPORTANCE, ExplainQueue
from models.explain.tasks import jsonable_row, row_key
from models.store import RunStore

T = TypeVar("T")


@dataclass(frozen=True)
class Answer(Generic[T]):
    """`result` once ready; until then how far the background work has got."""

    status: str  # done, queued, running, failed
    result: T | None = None
    progress: float = 0.0
    stage: str = ""
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.result is not None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def _ask(
    store: RunStore,
    run_id: str,
    what: str,
    key: str,
    read: Callable[[Path], Any | None],
    params: dict[str, Any] | None = None,
) -> Answer:
    found = read(store.run_dir(run_id))
    if found is not None:
        return Answer("done", found, 1.0)
    return _state(ExplainQueue(store), run_id, what, key, params)


def _state(
    queue: ExplainQueue, run_id: str, what: str, key: str, params: dict[str, Any] | None = None
) -> Answer:
    request = queue.ensure(run_id, what, key, params)
    if request.status == "done":  # its file is gone (deleted, or an older format)
        queue.redo(run_id, what, key)
        request = queue.get(run_id, what, key)
    return Answer(request.status, None, request.progress, request.stage, request.error)


def retry(store: RunStore, run_id: str, what: str, key: str = "") -> None:
    """Queue a failed request again (a person pressed "try again")."""
    ExplainQueue(store).request(run_id, what, key)


def importance(store: RunStore, run_id: str) -> Answer[Importance]:
    """The run's permutation importance of its original columns."""
    return _ask(store, run_id, IMPORTANCE, "", cache.cached_importance)


def table_attention(store: RunStore, run_id: str) -> Answer[TableAttention]:
    """What a model with attention over columns attends to (computed with the importance)."""
    found = cache.cached_attention(store.run_dir(run_id))
    if found is not None:
        return Answer("done", found, 1.0)
    return _state(ExplainQueue(store), run_id, IMPORTANCE, "")


def dependence(store: RunStore, run_id: str, column: str) -> Answer[Dependence]:
    """Partial dependence and ICE lines of one original column."""
    return _ask(
        store,
        run_id,
        DEPENDENCE,
        column,
        lambda run_dir: cache.cached_dependence(run_dir, column),
        {"column": column},
    )


def row_contributions(
    store: RunStore, run_id: str, values: Mapping[str, Any]
) -> Answer[Contributions]:
    """Each original column's contribution to the prediction for one row.

    `values` maps the table's columns (as loaded, before preprocessing) to the row's
    values — a test row's, or one a person typed; a column left out counts as
    missing. The same values give the same cached answer.
    """
    row = jsonable_row(values)
    key = row_key(row)
    return _ask(
        store,
        run_id,
        CONTRIBUTIONS,
        key,
        lambda run_dir: cache.cached_contributions(run_dir, key),
        {"values": row},
    )
