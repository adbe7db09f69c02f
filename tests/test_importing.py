"""Loading a person's model: refusals for every bad input, and imported runs through the worker."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from models.importing import ImportRefused
from models.importing.describe import describe_file
from models.importing.pairing import check_pairing, data_facts
from models.importing.runs import MAX_MODEL_BYTES, check_size, import_spec, stash_model_file
from models.store import RunStore
from tests import import_models as built


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("notebook")


def _facts(ref: str, workspace: Path):
    from data.registry import load_dataset

    return data_facts(load_dataset(ref, workspace).data)


def _table(columns: list[str], classes: list[str]) -> dict:
    """The facts of a numeric table with these columns and classes."""
    return {
        "kind": "tabular",
        "task": "classification",
        "classes": classes,
        "columns": columns,
        "numeric_columns": columns,
    }


def _run(store: RunStore, spec) -> tuple[str, dict]:
    from models.worker import execute

    run_id = store.create_run(spec, dataset_name=spec.dataset, status="running", origin="cli")
    status = execute(store, run_id)
    assert status == "succeeded", store.get(run_id).error
    return run_id, json.loads((store.run_dir(run_id) / "meta.json").read_text())


# --- bad files ---------------------------------------------------------------------------


def test_lambda_layer_is_refused_saying_why_and_what_to_do(models_dir):
    with pytest.raises(ImportRefused) as refused:
        describe_file(built.lambda_model(models_dir))
    message = str(refused.value)
    assert "Lambda layer ('doubling'" in message
    assert "can do anything" in message
    assert "Replace the Lambda with built-in layers" in message


def test_unknown_custom_layer_is_refused_by_name(models_dir):
    with pytest.raises(ImportRefused, match=r"Keras does not define: 'doubling' \(Doubling\)"):
        describe_file(built.custom_layer_model(models_dir))


def test_truncated_keras_file_is_refused_as_damaged(models_dir, tmp_path):
    whole = built.table_model(models_dir, 4, 3).read_bytes()
    cut = tmp_path / "cut.keras"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImportRefused, match="not a complete .keras file"):
        describe_file(cut)


def test_pickle_renamed_skops_is_refused_with_how_to_resave(tmp_path):
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "model.skops"
    path.write_bytes(pickle.dumps(LogisticRegression()))
    with pytest.raises(ImportRefused) as refused:
        describe_file(path)
    assert "is a pickle (or joblib) file" in str(refused.value)
    assert "sio.dump(model, 'model.skops')" in str(refused.value)


def test_joblib_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"\x80\x04 anything")
    with pytest.raises(ImportRefused, match="can run any code"):
        describe_file(path)


def test_skops_with_untrusted_type_lists_it(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "custom.skops"
    sio.dump(FunctionTransformer(json.dumps), path)
    with pytest.raises(ImportRefused, match=r"does not trust: json\.dumps"):
        describe_file(path)


def test_file_over_the_upload_limit_is_refused():
    with pytest.raises(ImportRefused, match="up to 200 MB"):
        check_size(MAX_MODEL_BYTES + 1, "huge.keras")
    check_size(MAX_MODEL_BYTES, "fits.keras")


# --- pairing -----------------------------------------------------------------------------


def test_rgb_model_on_greyscale_data_names_both_shapes(models_dir, workspace):
    model = describe_file(built.image_model(models_dir, (32, 32, 3), 10, "rgb.keras"))
    with pytest.raises(ImportRefused) as refused:
        check_pairing(model, _facts("builtin:mnist-5k", workspace), resize=True)
    assert "32×32×3 (RGB)" in str(refused.value) and "28×28×1 (greyscale)" in str(refused.value)


def test_other_image_size_needs_consent_to_resize(models_dir, workspace):
    model = describe_file(built.image_model(models_dir, (16, 16, 1), 10, "small.keras"))
    facts = _facts("builtin:mnist-5k", workspace)
    with pytest.raises(ImportRefused, match="Tick 'Resize the images"):
        check_pairing(model, facts)
    assert check_pairing(model, facts, resize=True).resize is True


def test_ten_outputs_on_two_classes_is_refused(models_dir):
    model = describe_file(built.table_model(models_dir, 4, 10, "ten.keras"))
    facts = _table(list("abcd"), ["no", "yes"])
    with pytest.raises(ImportRefused, match="makes 10 outputs, but this dataset has 2 classes"):
        check_pairing(model, facts)


def test_twelve_inputs_on_nine_columns_is_refused(models_dir):
    model = describe_file(built.table_model(models_dir, 12, 2, "twelve.keras"))
    facts = _table([f"c{i}" for i in range(9)], ["a", "b"])
    with pytest.raises(ImportRefused, match="expects 12 inputs, but this table has 9 numeric"):
        check_pairing(model, facts)


def test_class_order_must_name_each_class_once(models_dir):
    model = describe_file(built.table_model(models_dir, 2, 2, "two.keras"))
    facts = _table(["x", "y"], ["a", "b"])
    assert check_pairing(model, facts, class_order=["b", "a"]).class_order == ["b", "a"]
    with pytest.raises(ImportRefused, match="each of the dataset's classes once"):
        check_pairing(model, facts, class_order=["a", "a"])


# --- imported runs -----------------------------------------------------------------------


def test_digits_cnn_imports_with_every_view_its_layers_allow(models_dir, workspace):
    store = RunStore(workspace)
    path = stash_model_file(workspace, "cnn.keras", built.digits_cnn(models_dir).read_bytes())
    summary = describe_file(path)
    pairing = check_pairing(summary, _facts("builtin:digits-images", workspace))
    spec = import_spec(path, "builtin:digits-images", pairing, pixel_scale="unit")
    run_id, meta = _run(store, spec)
    assert {"conv_maps", "gradcam", "features", "probabilities", "predict_one"} <= set(
        meta["capabilities"]
    )
    assert meta["feature_layers"][0] == "hidden"
    assert store.get(run_id).final_metrics["accuracy"] > 0.85  # the notebook's model is good
    from models.model_io import load_keras

    model = load_keras(store.run_dir(run_id))  # reads raw 0-255 pixels, as the views feed it
    assert type(model.layers[1]).__name__ == "Rescaling"


def test_resized_images_go_through_a_resizing_layer(models_dir, workspace):
    store = RunStore(workspace)
    path = built.image_model(models_dir, (16, 16, 1), 10, "sixteen.keras")
    pairing = check_pairing(describe_file(path), _facts("builtin:digits-images", workspace), True)
    run_id, meta = _run(store, import_spec(path, "builtin:digits-images", pairing))
    assert meta["image_shape"] == [8, 8, 1]
    assert "gradcam" in meta["capabilities"]


def test_model_without_feature_layer_says_so(models_dir, workspace):
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    path = models_dir / "linear.keras"
    model.save(path)
    store = RunStore(workspace)
    pairing = check_pairing(describe_file(path), _facts("builtin:iris", workspace))
    _, meta = _run(store, import_spec(path, "builtin:iris", pairing))
    assert meta["feature_layers"] == ["input"]
    assert any("no layer usable as features" in note for note in meta["notes"])


def test_skops_pipeline_imports_and_tries_a_row(models_dir, workspace):
    from data.builtin_tabular import BUILTIN_TABULAR
    from models.tabular.predict import load_predictor, predict_rows

    store = RunStore(workspace)
    path = built.iris_pipeline(models_dir)
    pairing = check_pairing(describe_file(path), _facts("builtin:iris", workspace))
    run_id, meta = _run(store, import_spec(path, "builtin:iris", pairing))
    assert store.get(run_id).final_metrics["accuracy"] > 0.9
    assert (store.run_dir(run_id) / "preprocessor.skops").exists()
    frame = BUILTIN_TABULAR["iris"][1]().frame
    predicted = predict_rows(load_predictor(store.run_dir(run_id)), frame.iloc[[0, 120]])
    assert list(predicted.values) == ["setosa", "virginica"]


def test_text_model_with_text_vectorization_imports(models_dir, workspace):
    from data.registry import load_dataset

    data = load_dataset("builtin:chinese_reviews", workspace).data
    rows = np.arange(0, len(data), 10)
    labels = np.searchsorted(sorted(set(data.labels)), data.labels[rows])
    path = built.text_model(models_dir, [str(t) for t in data.texts[rows]], labels, 2)
    summary = describe_file(path)
    assert summary["input"] == "text"
    pairing = check_pairing(summary, data_facts(data))
    run_id, meta = _run(RunStore(workspace), import_spec(path, "builtin:chinese_reviews", pairing))
    assert meta["takes_raw_text"] is True
    assert meta["feature_layers"] == ["sentence"]
    assert "token_saliency" in meta["capabilities"]  # embedding → pooling → dense, by inspection
    from models.importing.keras_eval import text_batch
    from models.importing.vectorizer_tokens import VectorizerTokens
    from models.model_io import load_keras
    from models.text.probes import rnn_saliency

    model = load_keras(RunStore(workspace).run_dir(run_id))
    tokens = VectorizerTokens(model.get_layer(meta["vectorizer_layer"]))
    text = str(data.texts[0])
    found = rnn_saliency(model, tokens, text)
    chars = list("".join(text.split())[:20].lower())  # the model splits into characters
    assert len(found.tokens) == len(chars)
    assert all(token in (char, "[UNK]") for token, char in zip(found.tokens, chars, strict=True))
    assert found.values.shape == (len(found.tokens),) and np.isfinite(found.values).all()
    expected = model.predict_on_batch(text_batch(model, [text]))[0]
    np.testing.assert_allclose(found.probabilities, expected, atol=1e-5)


def test_cli_load_writes_the_same_run(models_dir, workspace, capsys):
    from models.train import main

    path = built.iris_pipeline(models_dir)
    code = main(["--load", str(path), "--dataset", "iris", "--workspace", str(workspace)])
    assert code == 0, capsys.readouterr().err
    runs = RunStore(workspace).list_runs()
    assert runs[0].spec.model == "imported_tabular"


def test_cli_prints_a_refusal(models_dir, workspace, capsys):
    from models.train import main

    path = built.table_model(models_dir, 12, 2, "twelve.keras")
    code = main(["--load", str(path), "--dataset", "iris", "--workspace", str(workspace)])
    assert code == 2
    assert "expects 12 inputs" in capsys.readouterr().err
    assert RunStore(workspace).list_runs() == []


def test_skops_text_pipeline_imports_and_its_terms_are_not_guessed(tmp_path, workspace):
    import skops.io as sio
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    from data.registry import load_dataset
    from models.text.probes import tfidf_contributions

    data = load_dataset("builtin:chinese_reviews", workspace).data
    texts = [str(t) for t in data.texts]
    pipeline = make_pipeline(CountVectorizer(analyzer="char"), MultinomialNB())
    pipeline.fit(texts, np.asarray(data.labels).astype(str))
    path = tmp_path / "nb.skops"
    sio.dump(pipeline, path)
    summary = describe_file(path)
    assert summary["input"] == "text" and summary["classes"] == sorted(set(data.labels))
    run_id, meta = _run(
        RunStore(workspace),
        import_spec(path, "builtin:chinese_reviews", check_pairing(summary, data_facts(data))),
    )
    assert meta["feature_layers"] == ["vectorised_svd"]
    assert RunStore(workspace).get(run_id).final_metrics["accuracy"] > 0.6
    assert tfidf_contributions(pipeline, texts[0], 0) == []  # no linear weights to show
