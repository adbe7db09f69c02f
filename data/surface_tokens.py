"""A text's surface tokens: words, characters or character pairs, and runs of them.

Apart from the fitted vocabulary (data.tokenizer) because the Data page and the
TF-IDF baseline need only this part: which script a text is written in and how it
splits. Pure regex and stdlib, so it stays light to import.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

CONCRETE_MODES = ("word", "char", "char_bigram")

# Scripts written without spaces between words: splitting them on spaces would
# turn a whole sentence into one token, so they are read character by character.
# Hangul is deliberately absent: Korean puts spaces between words (eojeol).
_HAN_KANA = (
    "\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f\U00030000-\U0003134f"
)
_UNSPACED = _HAN_KANA + "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_CHAR_MODE_SHARE = 0.3


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
    for text in list(as_text_list(texts))[:5_000]:
        sample = text[:1_000]
        letters += len(_patterns()["letter"].findall(sample))
        unspaced += len(_patterns()["unspaced"].findall(sample))
    return "char" if letters and unspaced / letters > _CHAR_MODE_SHARE else "word"


def as_text_list(texts: Iterable[Any] | str) -> list[str]:
    """Accept one string, a list, a numpy array or a pandas Series of texts."""
    if isinstance(texts, str):
        return [texts]
    return ["" if t is None or (isinstance(t, float) and math.isnan(t)) else str(t) for t in texts]
