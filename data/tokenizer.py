"""Turn texts into padded integer arrays that a Keras Embedding layer can read.

Pure numpy/stdlib on purpose: the Streamlit process imports this to preview
tokens and propose lengths, and it must not pull TensorFlow in to do so. The
fitted vocabulary is JSON-friendly (`to_dict`) so a run saves it beside the model
and the attention views can map positions back to the words they came from.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from data.dataset import DatasetError

PAD, UNK, CLS = "[PAD]", "[UNK]", "[CLS]"
SPECIAL_TOKENS = (PAD, UNK, CLS)
PAD_ID, UNK_ID, CLS_ID = 0, 1, 2
CONCRETE_MODES = ("word", "char", "char_bigram")
MODES = (*CONCRETE_MODES, "auto")
FORMAT_NAME = "glassbox.tokenizer"
FORMAT_VERSION = 1

# Scripts written without spaces between words: splitting them on spaces would
# turn a whole sentence into one token, so they are read character by character.
# Hangul is deliberately absent: Korean puts spaces between words (eojeol).
_HAN_KANA = (
    "\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_UNSPACED = _HAN_KANA + "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_CHAR_MODE_SHARE = 0.3
_MAX_LEN_BOUNDS = (8, 512)
_VOCAB_BOUNDS = (1_000, 50_000)
_VOCAB_COVERAGE = 0.95


@functools.cache
def _mark_ranges() -> str:
    """Regex class body of every combining mark (Mn/Mc/Me).

    Python's `\\w` leaves marks out, which would cut Hindi or Thai words at each
    vowel sign; computed once (about 0.15 s) instead of hard-coding Unicode tables.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    marks = _mark_ranges()
    # Marks, skin tones and tag characters extend the character before them, so
    # an emoji like 👍🏽 or 👨‍👩‍👧 stays one token instead of three to five.
    ext = f"[{marks}\\U0001f3fb-\\U0001f3ff\\U000e0020-\\U000e007f]*"
    flag = "[\\U0001f1e6-\\U0001f1ff]{2}"
    unit = f"{flag}|\\S{ext}(?:\\u200d\\S{ext})*"
    letter = f"[^\\W{_HAN_KANA}]"
    word_part = f"{letter}(?:{letter}|[{marks}])*"
    word = f"{word_part}(?:['\\u2019]{word_part})*"
    symbol = f"[^\\w\\s]{ext}(?:\\u200d\\S{ext})*"
    return {
        "word": re.compile(f"{flag}|[{_HAN_KANA}]{ext}|{word}|{symbol}"),
        "char": re.compile(unit),
        "unspaced": re.compile(f"[{_UNSPACED}]"),
        "letter": re.compile(r"[^\W\d_]"),
    }


def split_tokens(text: str, mode: str) -> list[str]:
    """Surface tokens of one text, in order, for a concrete mode.

    word: words (apostrophes inside kept: "It's"), each punctuation mark and each
    emoji on its own, every Han/Kana character on its own (as BERT does), so mixed
    English/Chinese text still splits sensibly. char: every non-space character,
    a base plus its combining marks counting as one. char_bigram: overlapping
    pairs of those characters inside each space-separated chunk, so 机器学习 gives
    机器 器学 学习; a one-character chunk stays a single token.
    """
    if mode == "word":
        return _patterns()["word"].findall(text)
    if mode == "char":
        return _patterns()["char"].findall(text)
    if mode == "char_bigram":
        tokens: list[str] = []
        for chunk in text.split():
            units = _patterns()["char"].findall(chunk)
            tokens.extend(units if len(units) < 2 else map(str.__add__, units, units[1:]))
        return tokens
    raise ValueError(f"Unknown tokenizer mode {mode!r}; use one of {', '.join(CONCRETE_MODES)}.")


def with_ngrams(tokens: list[str], mode: str, ngrams: int) -> list[str]:
    """Each token followed by the runs of up to `ngrams` tokens it starts.

    For bag-of-n-gram models: "good", "good movie", "movie" in word mode (joined by a
    space), 好, 好评, 评 in character modes (joined as written). Kept in text order so
    that cutting at max_len drops the end of the text, as for single tokens.
    """
    if ngrams <= 1 or len(tokens) < 2:
        return tokens
    joiner = " " if mode == "word" else ""
    if ngrams == 2:  # the common case, interleaved by slicing (tokenizing is a hot loop)
        out = [""] * (2 * len(tokens) - 1)
        out[0::2] = tokens
        out[1::2] = [
            first + joiner + second for first, second in zip(tokens[:-1], tokens[1:], strict=True)
        ]
        return out
    runs = [tokens] + [
        [joiner.join(tokens[start : start + n]) for start in range(len(tokens) - n + 1)]
        for n in range(2, ngrams + 1)
    ]
    return [run[start] for start in range(len(tokens)) for run in runs if start < len(run)]


def detect_script_mode(texts: Sequence[str]) -> Literal["word", "char"]:
    """ "char" when over ~30 % of letters come from scripts written without spaces.

    Those are Han, Hiragana/Katakana, Thai, Lao, Khmer and Myanmar; word splitting
    there yields one token per sentence. Korean stays in word mode because it
    separates words with spaces. Looks at the first 5,000 texts (1,000 characters
    each) so the guess stays instant on large uploads.
    """
    letters = unspaced = 0
    for text in list(_as_text_list(texts))[:5_000]:
        sample = text[:1_000]
        letters += len(_patterns()["letter"].findall(sample))
        unspaced += len(_patterns()["unspaced"].findall(sample))
    return "char" if letters and unspaced / letters > _CHAR_MODE_SHARE else "word"


def _as_text_list(texts: Iterable[Any] | str) -> list[str]:
    """Accept one string, a list, a numpy array or a pandas Series of texts."""
    if isinstance(texts, str):
        return [texts]
    return ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]


def _normal_key(token: str, lowercase: bool) -> str:
    """Vocabulary key: NFKC folds full-width Ａ/１ and other compatibility forms."""
    key = unicodedata.normalize("NFKC", token)
    return key.lower() if lowercase else key


def _key_counts(token_lists: list[list[str]], lowercase: bool) -> Counter[str]:
    """Counts per vocabulary key; normalises each distinct spelling once, not per token."""
    surface = Counter(t for tokens in token_lists for t in tokens)
    keys: Counter[str] = Counter()
    for token, count in surface.items():
        keys[_normal_key(token, lowercase)] += count
    return keys


def _round_max_len(p95: float) -> int:
    low, high = _MAX_LEN_BOUNDS
    return int(min(max(math.ceil(p95 / 8) * 8, low), high))


@dataclass(frozen=True)
class TruncationReport:
    """How much text a given max_len cuts off, so the UI can warn before training."""

    n_texts: int
    n_truncated: int
    tokens_total: int
    tokens_lost: int
    max_len: int

    @property
    def share_truncated(self) -> float:
        return self.n_truncated / self.n_texts if self.n_texts else 0.0

    @property
    def share_tokens_lost(self) -> float:
        return self.tokens_lost / self.tokens_total if self.tokens_total else 0.0

    def summary(self) -> str:
        if not self.n_truncated:
            return f"All {self.n_texts} texts fit in {self.max_len} tokens."
        return (
            f"{self.n_truncated} of {self.n_texts} texts ({self.share_truncated:.1%}) are longer "
            f"than {self.max_len} tokens and get cut; {self.share_tokens_lost:.1%} of all tokens "
            "are lost. Raise 'Sequence length' on the Train page (max_len) to keep more, at the "
            "cost of slower training."
        )


@dataclass(frozen=True)
class LengthProposal:
    """Token-length statistics of a corpus and the settings they suggest."""

    mode: str
    n_texts: int
    p50: float
    p90: float
    p95: float
    p99: float
    max_tokens: int
    distinct_tokens: int
    max_len: int
    max_vocab: int


def propose_lengths(
    texts: Sequence[str], tokenizer_mode: str = "auto", lowercase: bool = True, ngrams: int = 1
) -> LengthProposal:
    """Suggest max_len (95th percentile, multiple of 8) and max_vocab (95 % coverage).

    The 95th percentile keeps nearly every text whole without letting a few very
    long ones make every batch wide; 95 % token coverage keeps the embedding small
    while the rare tail becomes [UNK].
    """
    items = _as_text_list(texts)
    if not items:
        raise DatasetError("There are no texts to measure; load a dataset with a text column.")
    mode = detect_script_mode(items) if tokenizer_mode == "auto" else tokenizer_mode
    token_lists = [with_ngrams(split_tokens(t, mode), mode, ngrams) for t in items]
    lengths = np.array([len(tokens) for tokens in token_lists])
    counts = _key_counts(token_lists, lowercase)
    if not counts:
        raise DatasetError(
            "The texts contain nothing but spaces, so there is nothing to tokenise; "
            "check that the right column was picked as the text column."
        )
    p50, p90, p95, p99 = (float(v) for v in np.percentile(lengths, [50, 90, 95, 99]))
    frequencies = np.sort(np.fromiter(counts.values(), dtype=np.int64))[::-1]
    coverage = np.cumsum(frequencies) / frequencies.sum()
    covering = int(np.searchsorted(coverage, _VOCAB_COVERAGE - 1e-12)) + 1
    low, high = _VOCAB_BOUNDS
    max_vocab = min(max(covering + len(SPECIAL_TOKENS), low), high, len(counts) + 3)
    return LengthProposal(
        mode=mode,
        n_texts=len(items),
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
        max_tokens=int(lengths.max()),
        distinct_tokens=len(counts),
        max_len=_round_max_len(p95),
        max_vocab=max_vocab,
    )


class Tokenizer:
    """Maps texts to int32 ids: 0 = [PAD], 1 = [UNK], 2 = [CLS], then by frequency.

    scikit-learn style: `__init__` only stores settings; `fit` learns `mode_`,
    `vocab_`, `index_` and `max_len_`. `max_vocab` counts the three special tokens.
    Rows are always `max_len_` wide; with `add_cls` the [CLS] id takes the first
    slot, so one fewer text token fits.
    """

    def __init__(
        self,
        mode: str = "auto",
        max_vocab: int = 20_000,
        max_len: int | None = None,
        lowercase: bool = True,
        ngrams: int = 1,
    ) -> None:
        self.mode = mode
        self.max_vocab = max_vocab
        self.max_len = max_len
        self.lowercase = lowercase
        self.ngrams = ngrams

    def __repr__(self) -> str:
        return (
            f"Tokenizer(mode={self.mode!r}, max_vocab={self.max_vocab}, "
            f"max_len={self.max_len}, lowercase={self.lowercase}, ngrams={self.ngrams})"
        )

    def _check_settings(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}.")
        if int(self.ngrams) < 1:
            raise ValueError("ngrams must be at least 1 (1 = single tokens only).")
        if int(self.max_vocab) <= len(SPECIAL_TOKENS):
            raise ValueError("max_vocab must be above 3: the first 3 ids are special tokens.")
        if self.max_len is not None and int(self.max_len) < 1:
            raise ValueError("max_len must be at least 1 token (or None to propose one).")

    def fit(self, texts: Sequence[str]) -> Tokenizer:
        self._check_settings()
        items = _as_text_list(texts)
        if not items:
            raise DatasetError("There are no texts to build a vocabulary from.")
        mode = detect_script_mode(items) if self.mode == "auto" else self.mode
        token_lists = [with_ngrams(split_tokens(t, mode), mode, self.ngrams) for t in items]
        counts = _key_counts(token_lists, self.lowercase)
        if not counts:
            raise DatasetError(
                "The texts contain nothing but spaces, so no vocabulary can be built; "
                "check that the right column was picked as the text column."
            )
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        kept = [token for token, _ in ranked[: int(self.max_vocab) - len(SPECIAL_TOKENS)]]
        self.mode_ = mode
        self.vocab_ = [*SPECIAL_TOKENS, *kept]
        self.index_ = {token: i for i, token in enumerate(self.vocab_)}
        if self.max_len is None:
            self.max_len_ = _round_max_len(
                float(np.percentile([len(tokens) for tokens in token_lists], 95))
            )
        else:
            self.max_len_ = int(self.max_len)
        return self

    @property
    def vocab_size(self) -> int:
        """Embedding `input_dim`: every id `encode` can return is below it."""
        self._check_fitted()
        return len(self.vocab_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "vocab_"):
            raise RuntimeError("This Tokenizer is not fitted yet; call fit(texts) first.")

    def _kept_tokens(self, text: str, add_cls: bool) -> list[str]:
        room = self.max_len_ - (1 if add_cls else 0)
        return self._surface(text)[: max(room, 0)]

    def _surface(self, text: str) -> list[str]:
        return with_ngrams(split_tokens(text, self.mode_), self.mode_, self.ngrams)

    def encode(self, texts: Sequence[str] | str, add_cls: bool = False) -> np.ndarray:
        """int32 (N, max_len_): ids left-aligned, 0-padded at the end, cut at max_len_."""
        self._check_fitted()
        items = _as_text_list(texts)
        out = np.zeros((len(items), self.max_len_), dtype=np.int32)
        seen: dict[str, int] = {}  # surface spelling -> id, so NFKC runs once per spelling
        for row, text in enumerate(items):
            ids = []
            for token in self._kept_tokens(text, add_cls):
                if token not in seen:
                    seen[token] = self.index_.get(_normal_key(token, self.lowercase), UNK_ID)
                ids.append(seen[token])
            if add_cls:
                ids.insert(0, CLS_ID)
            out[row, : len(ids)] = ids
        return out

    def tokens(self, text: str, add_cls: bool = False) -> list[str]:
        """The text's tokens as written, one per non-padding position of `encode`.

        Shows the original spelling (not the lowercased key) and the real word even
        where `encode` gave [UNK], since these label attention heatmap axes.
        """
        self._check_fitted()
        kept = self._kept_tokens(text, add_cls)
        return [CLS, *kept] if add_cls else kept

    def truncation_report(self, texts: Sequence[str], add_cls: bool = False) -> TruncationReport:
        self._check_fitted()
        room = max(self.max_len_ - (1 if add_cls else 0), 0)
        lengths = [len(self._surface(t)) for t in _as_text_list(texts)]
        lost = [max(n - room, 0) for n in lengths]
        return TruncationReport(
            n_texts=len(lengths),
            n_truncated=sum(1 for n in lost if n),
            tokens_total=sum(lengths),
            tokens_lost=sum(lost),
            max_len=self.max_len_,
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to encode exactly as now; plain JSON types only."""
        self._check_fitted()
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "settings": {
                "mode": self.mode,
                "max_vocab": int(self.max_vocab),
                "max_len": None if self.max_len is None else int(self.max_len),
                "lowercase": bool(self.lowercase),
                "ngrams": int(self.ngrams),
            },
            "mode_": self.mode_,
            "max_len_": int(self.max_len_),
            "vocab_": list(self.vocab_),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tokenizer:
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
            raise ValueError("Not a saved Glassbox tokenizer (missing 'format' marker).")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"Tokenizer file version {data.get('version')!r} is not supported "
                f"(this Glassbox reads version {FORMAT_VERSION}); retrain the model."
            )
        vocab = list(data["vocab_"])
        if vocab[: len(SPECIAL_TOKENS)] != list(SPECIAL_TOKENS) or len(set(vocab)) != len(vocab):
            raise ValueError(
                "Saved tokenizer vocabulary is damaged (special tokens or duplicates)."
            )
        if data["mode_"] not in CONCRETE_MODES or int(data["max_len_"]) < 1:
            raise ValueError("Saved tokenizer has an unknown mode or a max_len below 1.")
        tokenizer = cls(**data["settings"])
        tokenizer.mode_ = data["mode_"]
        tokenizer.max_len_ = int(data["max_len_"])
        tokenizer.vocab_ = vocab
        tokenizer.index_ = {token: i for i, token in enumerate(vocab)}
        return tokenizer
