"""The tabular Transformer kind: one token per original column, [CLS], attention read back."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from models import capabilities as caps
from models.explain import ask
from models.registry import get_kind, kinds_for
from models.spec import RunSpec
from models.store import RunStore
from tests.explain_samples import answer_all, save_table
from tests.factories import train_now

keras = pytest.importorskip("keras")


def test_it_is_a_keras_table_kind_that_declares_attention_over_columns():
    kind = get_kind("tab_transformer")
    assert kind in kinds_for("tabular") and kind.framework == "keras"
    assert caps.TABLE_ATTENTION in kind.capabilities
    assert kind.settings == {"column_tokens": True}


def test_numbers_are_embedded_linearly_and_one_hot_levels_pick_a_row_of_a_table():
    from models.tabular.tab_transformer import ColumnTokenizer

    # column 0: a number (input 0); column 1: a category with three levels (inputs 1-3)
    layer = ColumnTokenizer([[0], [1, 2, 3]], 4, 2)
    layer.build((None, 4))
    weight = np.zeros((2, 3, 2), np.float32)
    weight[0, 0] = [2.0, -1.0]
    weight[1] = [[10.0, 0.0], [0.0, 20.0], [30.0, 30.0]]
    bias = np.array([[0.5, 0.5], [1.0, 1.0]], np.float32)
    layer.set_weights([weight, bias, np.full((1, 1, 2), 7.0, np.float32)])
    rows = np.array([[3.0, 0, 1, 0], [-1.0, 0, 0, 1]], np.float32)
    tokens = np.asarray(layer(rows))
    assert tokens.shape == (2, 3, 2)  # [CLS] + two columns
    np.testing.assert_allclose(tokens[:, 0], [[7.0, 7.0], [7.0, 7.0]])
    np.testing.assert_allclose(tokens[:, 1], [[6.5, -2.5], [-1.5, 1.5]])  # x·w + b
    np.testing.assert_allclose(tokens[:, 2], [[1.0, 21.0], [31.0, 31.0]])  # level's row + b


def test_a_column_without_inputs_is_refused():
    from models.tabular.tab_transformer import ColumnTokenizer

    with pytest.raises(ValueError, match="every column needs at least one input"):
        ColumnTokenizer([[0], []], 1, 4)


def mixed_table(rows: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 3, rows)
    return pd.DataFrame(
        {
            "size": label * 2.0 + rng.normal(0, 0.6, rows),
            "colour": np.where(label == 2, "red", rng.choice(["blue", "green"], rows)),
            "weight": rng.normal(size=rows),
            "day": pd.date_range("2021-03-01", periods=rows, freq="D").astype(str),
            "kind": [f"k{k}" for k in label],
        }
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[RunStore, str]:
    store = RunStore(tmp_path_factory.mktemp("tab_transformer"))
    ref = save_table(store, mixed_table())
    params = {"epochs": 12, "embedding_dim": 16, "num_heads": 2, "ff_dim": 32}
    run_id = train_now(
        store, RunSpec(ref, "tab_transformer", params, dataset_options={"target": "kind"})
    )
    answer_all(store)
    return store, run_id


def test_it_trains_end_to_end_on_a_mixed_table(trained):
    store, run_id = trained
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert run.final_metrics["accuracy"] > 0.7
    meta = json.loads((store.run_dir(run_id) / "meta.json").read_text())
    assert {caps.TABLE_ATTENTION, caps.FEATURES, caps.CURVES} <= set(meta["capabilities"])
    assert meta["feature_layers"][0] == "head"  # the [CLS] head feeds the UMAP view


def test_its_attention_is_read_per_row_and_per_layer_over_cls_and_the_columns(trained):
    store, run_id = trained
    attention = ask.table_attention(store, run_id).result
    assert attention.tokens == ["[CLS]", "size", "colour", "weight", "day"]
    rows = len(attention.test_rows)
    assert rows == 48  # 20 % of 240
    assert attention.cls.shape == (rows, 2, 2, 5)
    np.testing.assert_allclose(attention.cls.sum(axis=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose(attention.rollout.sum(axis=-1), 1.0, atol=1e-5)
    assert attention.columns_map.shape == (2, 2, 5, 5)
    assert ask.importance(store, run_id).result.columns == attention.tokens[1:]


def test_a_saved_model_loads_safely_and_shows_its_attention_when_inspected(trained):
    from models.inspection import inspect_keras
    from models.model_io import load_keras

    store, run_id = trained
    model = load_keras(store.run_dir(run_id))
    assert caps.TABLE_ATTENTION in inspect_keras(model).capabilities
