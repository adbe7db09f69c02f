import numpy as np
import pandas as pd
import pytest

from data.dataset import DatasetError, TextData
from data.text_columns import (
    MAX_TEXT_CLASSES,
    TextValidation,
    detect_text_columns,
    validate_text_dataset,
)


def english_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"r{i:03d}" for i in range(8)],
            "stars": [5, 1, 4, 2, 5, 1, 4, 2],
            "sentiment": ["pos", "neg"] * 4,
            "review": [
                "Great movie, loved every minute! 🎉",
                "Terrible plot and wooden acting.",
                "Not bad at all, would watch again.",
                "Worst film I have seen this year.",
                "A delight from start to finish 😊",
                "Boring, slow and far too long.",
                "Clever script with a warm heart.",
                "I walked out after half an hour.",
            ],
        }
    )


def chinese_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": range(6),
            "情感": ["正面", "负面", "正面", "负面", "正面", "负面"],
            "评论": [
                "这部电影太好看了，强烈推荐！",
                "剧情很无聊，浪费时间。",
                "演员表演非常出色，画面也很美。",
                "看了一半就睡着了。",
                "我爱机器学习。今天天气很好 😊",
                "一般般吧，没什么新意。",
            ],
        }
    )


def test_detect_text_columns_on_english_frame():
    assert detect_text_columns(english_frame()) == ("review", "sentiment")


def test_detect_text_columns_on_chinese_names_and_texts():
    assert detect_text_columns(chinese_frame()) == ("评论", "情感")


def test_detect_prefers_values_over_header_names():
    frame = english_frame().rename(columns={"review": "col_a", "sentiment": "col_b"})
    assert detect_text_columns(frame) == ("col_a", "col_b")


def test_detect_numeric_text_column_says_so_and_how_to_fix():
    frame = pd.DataFrame({"text": ["1", "2", "3.5", "4", "hello", "6"], "label": list("ababab")})
    with pytest.raises(DatasetError, match=r"Column 'text' is mostly numbers \(83%") as error:
        detect_text_columns(frame)
    assert "tabular dataset" in str(error.value)


def test_detect_without_any_string_column():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0, 1, 0]})
    with pytest.raises(DatasetError, match="No column holds text"):
        detect_text_columns(frame)


def test_detect_without_a_label_column():
    frame = pd.DataFrame({"text": ["one text", "another text", "third one"]})
    with pytest.raises(DatasetError, match="no column to use as labels"):
        detect_text_columns(frame)


def test_detect_empty_table():
    with pytest.raises(DatasetError, match="no rows"):
        detect_text_columns(pd.DataFrame({"text": [], "label": []}))


def test_validate_clean_frame_keeps_texts_untouched():
    frame = english_frame()
    result = validate_text_dataset(frame, "review", "sentiment")
    assert isinstance(result, TextValidation)
    assert isinstance(result.data, TextData)
    assert result.notes == []
    assert result.dropped_rows == 0
    assert result.data.texts.dtype == object
    assert result.data.texts.tolist() == frame["review"].tolist()
    assert result.data.labels.tolist() == ["pos", "neg"] * 4


def test_validate_passes_emoji_and_mixed_scripts_through():
    texts = [
        "Mixed 中文 and English 🎉",
        "  日本語のテキスト 👍🏽  ",
        "Ελληνικά και 한국어",
        "नमस्ते 🙏",
    ]
    frame = pd.DataFrame({"t": texts, "l": ["a", "a", "b", "b"]})
    assert validate_text_dataset(frame, "t", "l").data.texts.tolist() == texts


def test_validate_drops_empty_texts_and_missing_labels_with_notes():
    frame = pd.DataFrame(
        {
            "text": ["good", "", None, "   ", "bad", "fine", "awful", "meh"],
            "label": ["p", "p", "n", "n", None, "p", "n", "n"],
        }
    )
    result = validate_text_dataset(frame, "text", "label")
    assert result.dropped_rows == 4
    assert "Dropped 3 rows whose text was empty or only spaces." in result.notes
    assert "Dropped 1 row that had a text but no label." in result.notes
    assert result.data.texts.tolist() == ["good", "fine", "awful", "meh"]


def test_validate_drops_label_with_single_example_and_names_it():
    frame = pd.DataFrame(
        {"text": ["a1", "a2", "b1", "b2", "lonely"], "label": ["a", "a", "b", "b", "rare"]}
    )
    result = validate_text_dataset(frame, "text", "label")
    assert result.dropped_rows == 1
    assert "lonely" not in result.data.texts.tolist()
    (note,) = result.notes
    assert "single example ('rare')" in note
    assert "stratified" in note


def test_validate_mostly_numeric_text_column():
    frame = pd.DataFrame({"text": ["12", "7.5", "-3", "word", "1e3"], "label": list("ababa")})
    with pytest.raises(DatasetError, match=r"'text' is mostly numbers \(80% of its 5 values"):
        validate_text_dataset(frame, "text", "label")


def test_validate_rejects_hundreds_of_labels():
    frame = pd.DataFrame({"text": [f"text {i}" for i in range(600)], "label": np.arange(600) // 2})
    with pytest.raises(DatasetError, match="has 300 distinct labels") as error:
        validate_text_dataset(frame, "text", "label")
    assert f"at most {MAX_TEXT_CLASSES}" in str(error.value)
    assert "Group rare labels" in str(error.value)


def test_validate_rejects_a_single_class():
    frame = pd.DataFrame({"text": ["x", "y", "z"], "label": ["pos", "pos", "pos"]})
    with pytest.raises(DatasetError, match=r"has only one class \('pos'\)") as error:
        validate_text_dataset(frame, "text", "label")
    assert "at least 2 classes" in str(error.value)


def test_validate_rejects_when_no_row_is_usable():
    frame = pd.DataFrame({"text": ["", None], "label": ["a", "b"]})
    with pytest.raises(DatasetError, match="No usable rows"):
        validate_text_dataset(frame, "text", "label")


def test_validate_labels_become_strings_without_float_noise():
    frame = pd.DataFrame({"text": list("abcde"), "label": [1.0, 0.0, 1.0, 0.0, np.nan]})
    result = validate_text_dataset(frame, "text", "label")
    assert result.data.labels.tolist() == ["1", "0", "1", "0"]
    assert result.data.labels.dtype.kind == "U"


def test_validate_unknown_or_identical_columns():
    frame = english_frame()
    with pytest.raises(DatasetError, match="'body' is not in the table; its columns are: id"):
        validate_text_dataset(frame, "body", "sentiment")
    with pytest.raises(DatasetError, match="both the text and the label column"):
        validate_text_dataset(frame, "review", "review")
