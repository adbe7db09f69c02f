"""Find and check the text and label columns of an uploaded table.

People upload CSVs with arbitrary headers in any language, so the guess relies on
what the values look like (long, varied, non-numeric text versus a few repeated
labels); header names only break ties. Validation drops what cannot be learned
from and says so, and refuses data that would make training meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.dataset import DatasetError, TextData

MAX_TEXT_CLASSES = 100
NUMERIC_SHARE_LIMIT = 0.5
_PROFILE_ROWS = 20_000
_TEXT_DISTINCT_SHARE = 0.5
_TEXT_NAME_HINTS = (
    "text", "review", "content", "sentence", "comment", "message", "body", "tweet",
    "document", "文本", "内容", "評論", "评论", "句子", "正文", "留言", "テキスト", "本文",
    "文章", "レビュー", "텍스트", "내용", "리뷰",
)  # fmt: skip
_LABEL_NAME_HINTS = (
    "label", "class", "category", "target", "sentiment", "polarity", "topic", "tag",
    "标签", "標籤", "类别", "類別", "分类", "分類", "情感", "极性", "ラベル", "カテゴリ",
    "感情", "레이블", "라벨", "분류", "감정",
)  # fmt: skip


@dataclass(frozen=True)
class TextValidation:
    """Cleaned texts plus what was dropped and why, to show beside the preview."""

    data: TextData
    notes: list[str]
    dropped_rows: int


@dataclass(frozen=True)
class _Profile:
    name: str
    position: int
    filled: int
    distinct: int
    numeric_share: float
    mean_length: float
    stringy: bool

    @property
    def distinct_share(self) -> float:
        return self.distinct / self.filled if self.filled else 0.0


def _numeric_share(values: pd.Series) -> float:
    """Share of values that read as numbers ("3", "-1.5e3", " 42 ")."""
    if values.empty:
        return 0.0
    parsed = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    return float(parsed.notna().mean())


def _profile(frame: pd.DataFrame) -> list[_Profile]:
    sample = frame.head(_PROFILE_ROWS)
    profiles = []
    for position, name in enumerate(sample.columns):
        column = sample[name]
        values = column.dropna()
        stringy = bool(pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column))
        as_text = values.astype(str)
        profiles.append(
            _Profile(
                name=str(name),
                position=position,
                filled=len(values),
                distinct=int(values.nunique()),
                numeric_share=_numeric_share(as_text) if stringy else 1.0,
                mean_length=float(as_text.str.len().mean()) if stringy and len(values) else 0.0,
                stringy=stringy,
            )
        )
    return profiles


def _has_hint(name: str, hints: tuple[str, ...]) -> bool:
    lowered = name.casefold()
    return any(hint in lowered for hint in hints)


def _pick_text(profiles: list[_Profile]) -> _Profile:
    stringy = [p for p in profiles if p.stringy and p.filled]
    wordy = [p for p in stringy if p.numeric_share <= NUMERIC_SHARE_LIMIT]
    numeric = [p for p in stringy if p.numeric_share > NUMERIC_SHARE_LIMIT]
    varied = [p for p in wordy if p.distinct_share >= _TEXT_DISTINCT_SHARE]
    # A mostly-numeric 'text' column beats a fallback to a repetitive column: the
    # repetitive one is far likelier to be the labels than the texts.
    if not varied and numeric:
        raise DatasetError(_numeric_text_message(numeric))
    if not wordy:
        raise DatasetError(
            "No column holds text: every column is numeric or empty. A text dataset needs one "
            "column of texts (sentences, reviews, messages) and one column of labels."
        )
    return max(
        varied or wordy,
        key=lambda p: (p.mean_length, _has_hint(p.name, _TEXT_NAME_HINTS), -p.position),
    )


def _numeric_text_message(numeric: list[_Profile]) -> str:
    worst = max(numeric, key=lambda p: (_has_hint(p.name, _TEXT_NAME_HINTS), p.distinct))
    return (
        f"Column '{worst.name}' is mostly numbers ({worst.numeric_share:.0%} of its values "
        "parse as numbers), and no other column holds varied words, so there is no text to "
        "learn from. Check that the right file was uploaded and that the texts were not "
        "exported as IDs or codes; for purely numeric data use a tabular dataset instead."
    )


def _pick_label(profiles: list[_Profile], text: _Profile) -> _Profile:
    candidates = [p for p in profiles if p.name != text.name and 2 <= p.distinct < p.filled]
    if not candidates:
        raise DatasetError(
            f"Found the texts in column '{text.name}' but no column to use as labels: a label "
            "column repeats a few values (like positive/negative). Add a column with the class "
            "of each text."
        )

    def rank(p: _Profile) -> tuple[bool, float, int]:
        named = _has_hint(p.name, _LABEL_NAME_HINTS) and p.distinct_share <= 0.5
        return (not named, p.distinct_share, p.position)

    return min(candidates, key=rank)


def detect_text_columns(frame: pd.DataFrame) -> tuple[str, str]:
    """Guess (text_column, label_column) from the values, whatever the header language.

    Text: a string column that is mostly non-numeric, with many distinct values and
    the longest mean length. Label: another column with the fewest distinct values
    relative to its rows (but at least two). Header words like "text"/"评论" or
    "label"/"标签" only break ties.
    """
    if frame.empty or len(frame.columns) == 0:
        raise DatasetError("The table has no rows; upload a CSV with a text and a label column.")
    profiles = _profile(frame)
    text = _pick_text(profiles)
    label = _pick_label(profiles, text)
    return text.name, label.name


def _label_strings(labels: pd.Series) -> pd.Series:
    """Labels as clean strings; float columns holding whole numbers lose the ".0"."""
    present = labels.dropna()
    if pd.api.types.is_float_dtype(labels) and np.all(np.mod(present, 1) == 0):
        labels = labels.astype("Int64")
    as_text = labels.astype("string").str.strip()
    return as_text.where(as_text.notna() & (as_text != ""), None)


def _require_columns(frame: pd.DataFrame, text_column: str, label_column: str) -> None:
    columns = [str(c) for c in frame.columns]
    for role, name in (("text", text_column), ("label", label_column)):
        if name not in frame.columns:
            raise DatasetError(
                f"The {role} column '{name}' is not in the table; its columns are: "
                f"{', '.join(columns)}. Pick one of those."
            )
    if text_column == label_column:
        raise DatasetError(
            f"'{text_column}' was chosen as both the text and the label column; pick two "
            "different columns."
        )


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _quote(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def validate_text_dataset(
    frame: pd.DataFrame, text_column: str, label_column: str
) -> TextValidation:
    """Clean a text/label table into TextData, noting every row it drops.

    Texts are kept exactly as written (emoji, mixed scripts, inner spacing); only
    rows that cannot be trained on go. Labels become strings.
    """
    _require_columns(frame, text_column, label_column)
    raw_texts = frame[text_column]
    texts = raw_texts.map(lambda v: v if isinstance(v, str) else (None if pd.isna(v) else str(v)))
    labels = _label_strings(frame[label_column])
    notes: list[str] = []

    empty = texts.isna() | (texts.fillna("").str.strip() == "")
    unlabelled = labels.isna() & ~empty
    if empty.any():
        notes.append(f"Dropped {_rows(int(empty.sum()))} whose text was empty or only spaces.")
    if unlabelled.any():
        notes.append(f"Dropped {_rows(int(unlabelled.sum()))} that had a text but no label.")
    keep = ~(empty | unlabelled)
    texts, labels = texts[keep], labels[keep]
    if texts.empty:
        raise DatasetError(
            f"No usable rows: every row has an empty '{text_column}' or a missing "
            f"'{label_column}'. Check that these are the right columns."
        )

    share = _numeric_share(texts)
    if share > NUMERIC_SHARE_LIMIT:
        raise DatasetError(
            f"Column '{text_column}' is mostly numbers ({share:.0%} of its {len(texts)} values "
            "parse as numbers), so it is not text. Pick the column that holds the sentences "
            "or documents as the text column; for numeric data use a tabular dataset instead."
        )

    counts = labels.value_counts()
    if len(counts) > MAX_TEXT_CLASSES:
        raise DatasetError(
            f"Column '{label_column}' has {len(counts)} distinct labels; at most "
            f"{MAX_TEXT_CLASSES} classes are supported, and each needs several examples. "
            "Group rare labels into broader ones (for example 'other'), or pick a different "
            "label column: one with hundreds of values is usually an ID or free text."
        )
    singles = sorted(str(name) for name in counts[counts == 1].index)
    if singles:
        notes.append(
            f"Dropped {_rows(len(singles))} whose label has a single example ({_quote(singles)}): "
            "a stratified train/validation split needs at least 2 examples of each label. "
            "Add more examples of these labels to keep them."
        )
        keep_labels = labels.isin(counts[counts >= 2].index)
        texts, labels = texts[keep_labels], labels[keep_labels]

    classes = sorted(labels.unique())
    if len(classes) < 2:
        found = f"only one class ({_quote([str(c) for c in classes])})" if classes else "no class"
        raise DatasetError(
            f"Column '{label_column}' has {found} with 2 or more examples; classification "
            "needs at least 2 classes. Add examples of another class, or pick a different "
            "label column."
        )

    data = TextData(
        texts=np.array(texts.tolist(), dtype=object),
        labels=np.array(labels.tolist(), dtype=str),
    )
    return TextValidation(data=data, notes=notes, dropped_rows=len(frame) - len(data))
