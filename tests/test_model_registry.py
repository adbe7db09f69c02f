"""The registry's contract: it finds every kind, owns defaults and construction, and the
trainers never decide anything from a model's key."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from models import capabilities as caps
from models.kinds.base import ModelKind
from models.registry import MODEL_KINDS, get_kind
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now

# What trainers (not builders) read from the merged params.
TRAINER_PARAMS = {
    "epochs",
    "batch_size",
    "validation_split",
    "feature_snapshots",
    "early_stopping_patience",
    "balance_classes",
    "max_len",
    "max_vocab",
}
ROOT = Path(__file__).resolve().parents[1]


def test_listing_kinds_imports_no_tensorflow_keras_or_sklearn():
    code = (
        "import sys, models.registry; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


def test_every_kind_module_is_found_and_the_modality_modules_lead():
    found = {kind.key for kind in MODEL_KINDS.values()}
    assert {"mlp", "cnn", "rnn", "extra_trees", "text_cnn"} <= found
    assert list(MODEL_KINDS)[0] == "mlp"
    assert list(MODEL_KINDS).index("tfidf_logreg") < list(MODEL_KINDS).index("extra_trees")


@pytest.mark.parametrize("kind", MODEL_KINDS.values(), ids=lambda kind: kind.key)
def test_defaults_are_exactly_what_builder_and_trainer_read(kind):
    signature = inspect.signature(kind.load_builder())
    keyword_only = {
        name: parameter
        for name, parameter in signature.parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert set(keyword_only) <= set(kind.defaults), "a hyperparameter without a default"
    assert set(kind.defaults) - set(keyword_only) <= TRAINER_PARAMS, "a default nobody reads"
    # one home for defaults: the kind, never the builder's signature
    assert all(p.default is inspect.Parameter.empty for p in keyword_only.values())
    assert callable(kind.load_trainer())


def test_trainers_never_branch_on_the_model_key():
    for module in sorted({kind.trainer.partition(":")[0] for kind in MODEL_KINDS.values()}):
        source = Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")
        assert "spec.model" not in source and ".param(" not in source, module
        trainer = next(
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef) and node.name == "train"
        )
        strings = {
            node.value
            for node in ast.walk(trainer)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not strings & set(MODEL_KINDS), module


def test_defaults_merge_once_and_the_run_overrides_them():
    kind = get_kind("cnn")
    request = kind.request(RunSpec("builtin:digits-images", "cnn", {"filters": 4}, seed=5))
    assert request.params == {**kind.defaults, "filters": 4}
    assert request.seed == 5 and request.builder.__name__ == "build_cnn"
    assert get_kind("transformer").request(RunSpec("x:y", "transformer")).settings == {
        "add_cls": True
    }


def test_a_kind_refuses_unknown_capabilities_and_bad_paths():
    with pytest.raises(ValueError, match="unknown capabilities: gradcamm"):
        ModelKind(
            "k", "K", "image", "keras", "m:train", "m:build", {}, {caps.CONV_MAPS, "gradcamm"}
        )
    with pytest.raises(ValueError, match="not 'module:function'"):
        ModelKind("k", "K", "image", "keras", "m.train", "m:build")


def test_a_builder_missing_a_hyperparameter_says_which():
    from models.request import call_builder

    def build(size, *, width, depth):
        return size * width * depth

    assert call_builder(build, (2,), {"width": 3, "depth": 4, "epochs": 9}) == 24
    with pytest.raises(ValueError, match="build needs depth; give the model kind a default"):
        call_builder(build, (2,), {"width": 3})


def test_an_unknown_model_key_fails_the_run_instead_of_training_something_else(tmp_path):
    store = RunStore(tmp_path)
    run_id = train_now(store, RunSpec("builtin:digits-images", "resnet", {}))
    run = store.get(run_id)
    assert run.status == "failed"
    assert "unknown model 'resnet'; choose one of: mlp" in run.error
