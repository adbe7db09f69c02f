"""What a model with attention over table columns attends to, over the test rows.

Read through models.inspection.capture_attention, so any Keras model whose
attention runs over [CLS] + one token per column is read the same way. Kept per
test row: the [CLS] row of every layer and head (what the prediction read) and the
[CLS] row of the attention rollout; kept averaged over rows: the whole column ×
column map of every layer and head. Per-class maps are means of the per-row ones,
so the view can draw them for any layer, head or rollout without the model.

Rollout (Abnar & Zuidema, 2020): each layer's head-averaged attention plus the
identity (the residual path), rows renormalised, multiplied through the layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.explain.predictor import chunk_rows


@dataclass(frozen=True)
class TableAttention:
    tokens: list[str]  # "[CLS]" and the columns, in the model's token order
    cls: np.ndarray  # (rows, layers, heads, tokens): [CLS]'s attention per row
    rollout: np.ndarray  # (rows, tokens): [CLS]'s row of the rollout per row
    columns_map: np.ndarray  # (layers, heads, tokens, tokens): mean over rows
    test_rows: np.ndarray  # which test rows `cls` and `rollout` belong to

    @property
    def n_layers(self) -> int:
        return self.cls.shape[1]

    @property
    def n_heads(self) -> int:
        return self.cls.shape[2]

    def save(self, path: Path) -> None:
        np.savez(
            path,
            tokens=np.asarray(self.tokens),
            cls=self.cls,
            rollout=self.rollout,
            columns_map=self.columns_map,
            test_rows=self.test_rows,
        )

    @classmethod
    def load(cls, path: Path) -> TableAttention:
        with np.load(path, allow_pickle=False) as saved:
            return cls(
                [str(t) for t in saved["tokens"]],
                saved["cls"],
                saved["rollout"],
                saved["columns_map"],
                saved["test_rows"],
            )


def rollout(layers: np.ndarray) -> np.ndarray:
    """(rows, layers, heads, T, T) attention → (rows, T, T) rollout through all layers."""
    mixed = layers.mean(axis=2) + np.eye(layers.shape[-1])
    mixed /= mixed.sum(axis=-1, keepdims=True)
    result = mixed[:, 0]
    for layer in range(1, mixed.shape[1]):
        result = mixed[:, layer] @ result
    return result


def attention_over_rows(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cls, rollout, columns_map) for the encoded rows x, in chunks."""
    from models.inspection import capture_attention

    cls_parts, rollout_parts = [], []
    total = None
    step = chunk_rows(x.shape[1])
    for start in range(0, len(x), step):
        with capture_attention(model) as scores:
            model(x[start : start + step], training=False)
        if not scores:
            raise ValueError("This model ran no attention layer, so it has no attention to show.")
        layers = np.stack([np.asarray(s, dtype=np.float32) for s in scores], axis=1)
        cls_parts.append(layers[:, :, :, 0, :])
        rollout_parts.append(rollout(layers)[:, 0, :])
        summed = layers.sum(axis=0)
        total = summed if total is None else total + summed
    return np.concatenate(cls_parts), np.concatenate(rollout_parts), total / len(x)
