"""What the table views share: waiting for an explanation, and one row's contributions.

`show_row_contributions` is the panel any page can put under a row's prediction
(Explore's Row contributions, the Try-a-row form): it asks the explain service for
the row and draws the waterfall once the answer is there, polling until then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from dashboard.figures.importance import contributions_figure
from dashboard.plain_text import md
from models.explain import ask
from models.explain.ask import Answer
from models.explain.contributions import BACKGROUND_ROWS
from models.explain.queue import CONTRIBUTIONS
from models.explain.tasks import row_key

T = TypeVar("T")
POLL_S = 1.0


def run_store():
    from dashboard.services import get_store

    return get_store()


def wait_for(
    asking: Callable[[], Answer[T]], what: str, retry: Callable[[], None], key: str
) -> T | None:
    """The answer's result once ready; until then its progress (the page reruns when it is
    ready) or why it failed, with a button to try again."""
    from dashboard.services import get_manager

    get_manager()  # the manager owns the explain service; make sure it runs
    answer = asking()
    if answer.ready:
        return answer.result
    if answer.failed:
        st.info(f"No {what}: {md(answer.error)}")
        if st.button("Try again", key=f"{key}_retry"):
            retry()
            st.rerun()
        return None
    _progress(asking, what)
    return None


@st.fragment(run_every=POLL_S)
def _progress(asking: Callable[[], Answer], what: str) -> None:
    answer = asking()
    if answer.ready or answer.failed:
        st.rerun()
    stage = answer.stage or (
        "waiting for the explain service" if answer.status == "queued" else "starting"
    )
    st.progress(min(max(answer.progress, 0.0), 1.0), text=f"Computing the {what}… {stage}")


def pick_output(outputs: list[str], key: str, label: str = "Explain the probability of") -> int:
    """Which output to explain: a class (the last by default, the positive one of two)."""
    if outputs == ["prediction"]:
        return 0
    return st.selectbox(
        label,
        range(len(outputs)),
        index=len(outputs) - 1,
        format_func=lambda i: f"class '{outputs[i]}'",
        key=key,
    )


def show_row_contributions(
    run_id: str, values: Mapping[str, Any], outputs: list[str], key: str
) -> None:
    """Each column's contribution to the prediction for the row `values` (the table's own
    columns → the row's values; columns the model does not read are ignored)."""
    store = run_store()
    row = dict(values)
    found = wait_for(
        lambda: ask.row_contributions(store, run_id, row),
        "contributions of this row",
        lambda: ask.retry(store, run_id, CONTRIBUTIONS, row_key(row)),
        key,
    )
    if found is None:
        return
    output = pick_output(outputs, f"{key}_output")
    for note in found.notes:
        st.caption(f"ℹ️ {md(note)}")
    st.plotly_chart(contributions_figure(found, output), key=f"{key}_waterfall")
    st.caption(
        "Shapley values of the columns, sampled over column orders against "
        f"{BACKGROUND_ROWS} test rows as the background: they add up exactly to this row's "
        "prediction minus the background's average."
    )
    table = pd.DataFrame(
        {
            "column": found.columns,
            "value": found.shown,
            "contribution": found.values[:, output],
        }
    ).sort_values("contribution", key=abs, ascending=False)
    st.dataframe(table.round(4), hide_index=True, key=f"{key}_table")
