"""TF-IDF + logistic regression: the baseline a neural text model has to beat.

Words are the natural unit where the script puts spaces between them; for Chinese
or Japanese a "word" pattern would swallow a whole sentence, so character
1–3-grams stand in for words there (they capture most two-character words).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from data.dataset import DatasetError, TextData
from data.splits import split_rows
from data.tokenizer import detect_script_mode
from models import skops_io
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest
from models.spec import RunSpec

SVD_COMPONENTS = 100
# Any run of letters/digits, or any single other non-space symbol (emoji, "!").
_WORD_PATTERN = r"(?u)\w+|[^\w\s]"


def make_vectorizer(mode: str, ngram_max: int, max_features: int) -> TfidfVectorizer:
    """Word 1..ngram_max-grams for spaced scripts; character 1..max(3, ngram_max)-grams otherwise."""
    common = {"sublinear_tf": True, "max_features": int(max_features) or None, "dtype": np.float32}
    if mode == "word":
        return TfidfVectorizer(
            analyzer="word", token_pattern=_WORD_PATTERN, ngram_range=(1, max(int(ngram_max), 1)),
            **common,
        )  # fmt: skip
    return TfidfVectorizer(analyzer="char", ngram_range=(1, max(int(ngram_max), 3)), **common)


def build_tfidf_logreg(
    mode: str, seed: int, *, C: float, ngram_max: int, max_features: int
) -> Pipeline:
    """The steps are named "tfidf" and "logreg": the probes read them by those names."""
    vectorizer = make_vectorizer(mode, ngram_max, max_features)
    classifier = LogisticRegression(C=float(C), max_iter=2000, random_state=seed)
    return Pipeline([("tfidf", vectorizer), ("logreg", classifier)])


def _script_mode(texts: list[str], spec: RunSpec) -> str:
    chosen = spec.dataset_options.get("tokenizer_mode") or "auto"
    if chosen == "auto":
        return detect_script_mode(texts)
    return "word" if chosen == "word" else "char"


def svd_features(matrix, seed: int) -> np.ndarray:
    """A dense low-rank view of sparse TF-IDF rows, cheap enough for UMAP."""
    rank = min(SVD_COMPONENTS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if rank < 1:
        return np.asarray(matrix.todense(), dtype=np.float32)
    svd = TruncatedSVD(n_components=rank, random_state=seed)
    return svd.fit_transform(matrix).astype(np.float32)


def train(data: TextData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    spec = request.spec
    ctx.set_phase("preprocessing")
    labels = np.asarray(data.labels).astype(str)
    class_names = sorted(set(labels))
    if len(class_names) < 2:
        raise DatasetError("text classification needs at least 2 labels; this dataset has one")
    y = np.searchsorted(class_names, labels).astype(np.int32)
    train_rows, test_rows = split_rows(y, spec.test_size, spec.seed, spec.fold_plan)
    train_texts = [str(t) for t in data.texts[train_rows]]
    test_texts = [str(t) for t in data.texts[test_rows]]
    mode = _script_mode(train_texts, spec)
    pipeline = request.build(mode, request.seed)
    ctx.set_phase("training")
    watch = Stopwatch()
    pipeline.fit(train_texts, y[train_rows])
    seconds = watch.seconds
    ctx.set_phase("evaluating")
    skops_io.save(pipeline, ctx.run_dir / "model.skops")
    vectorizer = pipeline.named_steps["tfidf"]
    ctx.notes.append(
        f"TF-IDF on {'words' if mode == 'word' else 'character n-grams'} "
        f"({len(vectorizer.vocabulary_):,} terms from the {len(train_texts):,} training texts)."
    )
    proba = pipeline.predict_proba(test_texts).astype(np.float32)
    matrix = vectorizer.transform(test_texts)
    return TrainOutcome(
        task="classification",
        class_names=class_names,
        test_index=test_rows,
        y_true=y[test_rows],
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features={"tfidf_svd": svd_features(matrix, spec.seed)},
        model_file="model.skops",
        fit_seconds=seconds,
        train_samples=len(train_texts),
        epochs_run=1,
        extra={"tokenizer_mode": mode, "analyzer": vectorizer.analyzer},
    )
