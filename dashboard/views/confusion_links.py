"""The link between the confusion matrix and the embedding explorer.

A cell chosen on the Confusion tab becomes the explorer's highlight, and a
highlight chosen in the explorer becomes the Confusion tab's cell. Each view
owns its widget; they meet through session state, written only where Streamlit
allows it (before the other widget is drawn in this run, or in a callback).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from models.artifacts import RunResults

ALL_WRONG = "All misclassified"
NOTHING = "Nothing"


def cell_key(run_id: str) -> str:
    """Session key of the Confusion tab's cell selectbox."""
    return f"cm_cell_{run_id}"


def highlight_key(run_id: str) -> str:
    """Session key of the explorer's highlight selectbox."""
    return f"emb_highlight_{run_id}"


def _linked_key(run_id: str) -> str:
    return f"cm_linked_{run_id}"


def _pending_key(run_id: str) -> str:
    return f"cm_pending_{run_id}"


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts[true, predicted], without scikit-learn (used for a selection of any size)."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return counts


def confusion_cells(results: RunResults) -> dict[str, tuple[int, int] | None]:
    """Choosable cells by label: all misclassified, then every non-empty (true, predicted)."""
    names = results.class_names
    matrix = confusion_counts(results.y_true, results.y_pred, len(names))
    cells: dict[str, tuple[int, int] | None] = {ALL_WRONG: None}
    for true, pred in zip(*np.nonzero(matrix), strict=True):
        cells[f"{names[true]} → {names[pred]} ({matrix[true, pred]})"] = (int(true), int(pred))
    return cells


def cell_rows(results: RunResults, cell: tuple[int, int] | None) -> np.ndarray:
    """Test rows in a cell; None means every misclassified row."""
    if cell is None:
        return np.flatnonzero(~results.correct)
    return np.flatnonzero((results.y_true == cell[0]) & (results.y_pred == cell[1]))


def highlight_mask(results: RunResults, label: str, shown: np.ndarray) -> np.ndarray | None:
    """Which shown points (test rows) fall in the chosen cell; None when nothing is chosen."""
    cells = confusion_cells(results)
    if label == NOTHING or label not in cells:
        return None
    return np.isin(shown, cell_rows(results, cells[label]))


def follow_cell(run_id: str, label: str) -> None:
    """Called by the Confusion tab after its selectbox: a newly chosen cell is highlighted.

    The first label a session sees is not pushed, so opening Explore does not fade
    every correct point before anyone asked.
    """
    before = st.session_state.get(_linked_key(run_id))
    st.session_state[_linked_key(run_id)] = label
    if before is not None and before != label:
        st.session_state[highlight_key(run_id)] = label


def highlight_changed(run_id: str, cells: list[str]) -> None:
    """on_change of the explorer's highlight: the Confusion tab shows the same cell.

    Only the open tab is drawn, and Streamlit forgets the state of a widget that
    is not drawn, so the cell waits under a plain key until the Confusion tab
    applies it (`apply_pending_cell`).
    """
    label = st.session_state.get(highlight_key(run_id))
    if label in cells:
        st.session_state[_pending_key(run_id)] = label
        st.session_state[_linked_key(run_id)] = label


def apply_pending_cell(run_id: str, cells: list[str]) -> None:
    """Called by the Confusion tab before it draws its selectbox."""
    label = st.session_state.pop(_pending_key(run_id), None)
    if label in cells:
        st.session_state[cell_key(run_id)] = label
