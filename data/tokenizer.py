"""Turn texts into padded integer arrays that a Keras Embedding layer can read.

Pure numpy/stdlib on purpose: the Streamlit process imports this to preview
tokens and propose lengths, and it must not pull TensorFlow in to do so. The
fitted vocabulary is JSON-friendly (`to_dict`) so a run saves it beside the model
and the attention views can map positions back to the words they came from.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from data.dataset import DatasetError
from data.surface_tokens import (  # noqa: F401  - split_tokens and with_ngrams: public here too
    CONCRETE_MODES,
    as_text_list,
    detect_script_mode,
    split_tokens,
    with_ngrams,
)

PAD, UNK, CLS = "[PAD]", "[UNK]", "[CLS]"
SPECIAL_TOKENS = (PAD, UNK, CLS)
PAD_ID, UNK_ID, CLS_ID = 0, 1, 2
MODES = (*CONCRETE_MODES, "auto")
FORMAT_NAME = "glassbox.tokenizer"
FORMAT_VERSION = 1

_MAX_LEN_BOUNDS = (8, 512)
_VOCAB_BOUNDS = (1_000, 50_000)
_VOCAB_COVERAGE = 0.95


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
    items = as_text_list(texts)
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
        items = as_text_list(texts)
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
        items = as_text_list(texts)
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
        lengths = [len(self._surface(t)) for t in as_text_list(texts)]
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
