import json

import numpy as np
import pytest

from data.dataset import DatasetError
from data.tokenizer import (
    CLS_ID,
    PAD_ID,
    SPECIAL_TOKENS,
    UNK_ID,
    Tokenizer,
    detect_script_mode,
    propose_lengths,
    split_tokens,
)

ENGLISH = "Hello, world! It's 2026 🎉"
CHINESE = "我爱机器学习。今天天气很好"
JAPANESE = "東京は晴れです。カタカナ"


def test_word_mode_splits_words_punctuation_and_emoji():
    assert split_tokens(ENGLISH, "word") == ["Hello", ",", "world", "!", "It's", "2026", "🎉"]


def test_emoji_with_modifiers_flags_and_joiners_stay_one_token():
    assert split_tokens("👍🏽 👨\u200d👩\u200d👧 🇫🇷ok", "word") == [
        "👍🏽",
        "👨\u200d👩\u200d👧",
        "🇫🇷",
        "ok",
    ]


def test_word_mode_keeps_combining_marks_inside_words():
    assert split_tokens("नमस्ते दुनिया", "word") == ["नमस्ते", "दुनिया"]
    assert split_tokens("café naïve", "word") == ["café", "naïve"]


def test_word_mode_gives_each_han_or_kana_character_its_own_token():
    assert split_tokens("I love 机器学习", "word") == ["I", "love", "机", "器", "学", "习"]


def test_char_mode_chinese_every_character_is_a_token():
    assert split_tokens(CHINESE, "char") == list(CHINESE)
    assert split_tokens("a b\tc", "char") == ["a", "b", "c"]


def test_char_bigram_overlaps_within_chunks():
    assert split_tokens("机器学习", "char_bigram") == ["机器", "器学", "学习"]
    assert split_tokens("東京は 晴", "char_bigram") == ["東京", "京は", "晴"]


def test_japanese_tokens_in_each_mode():
    assert split_tokens(JAPANESE, "char") == list(JAPANESE)
    assert split_tokens(JAPANESE, "word") == list(JAPANESE)
    assert split_tokens("晴れです", "char_bigram") == ["晴れ", "れで", "です"]


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match="Unknown tokenizer mode"):
        split_tokens("x", "sentencepiece")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([ENGLISH], "word"),
        ([CHINESE], "char"),
        ([JAPANESE], "char"),
        (["안녕하세요 세계, 반갑습니다"], "word"),
        (["Machine learning is fun, says 小明"], "word"),
        (["", "   "], "word"),
    ],
)
def test_detect_script_mode(texts, expected):
    assert detect_script_mode(texts) == expected


def test_init_only_stores_settings_and_unfitted_use_fails():
    tokenizer = Tokenizer(mode="word", max_vocab=50, max_len=4, lowercase=False)
    assert (tokenizer.mode, tokenizer.max_vocab, tokenizer.max_len) == ("word", 50, 4)
    assert not hasattr(tokenizer, "vocab_")
    with pytest.raises(RuntimeError, match="not fitted"):
        tokenizer.encode(["a"])


def test_auto_mode_picks_char_for_chinese_and_word_for_english():
    assert Tokenizer().fit([CHINESE, "今天天气不错"]).mode_ == "char"
    assert Tokenizer().fit([ENGLISH, "Another sentence."]).mode_ == "word"


def test_vocabulary_specials_then_frequency_with_deterministic_ties():
    texts = ["b a", "a c", "c d"]
    tokenizer = Tokenizer(mode="word").fit(texts)
    assert tokenizer.vocab_ == [*SPECIAL_TOKENS, "a", "c", "b", "d"]
    assert tokenizer.index_["a"] == 3
    assert Tokenizer(mode="word").fit(texts[::-1]).vocab_ == tokenizer.vocab_


def test_max_vocab_counts_special_tokens():
    tokenizer = Tokenizer(mode="word", max_vocab=5).fit(["a a a b b c"])
    assert tokenizer.vocab_ == [*SPECIAL_TOKENS, "a", "b"]
    assert tokenizer.vocab_size == 5
    assert tokenizer.encode(["c"])[0, 0] == UNK_ID


def test_encode_pads_truncates_and_returns_int32():
    tokenizer = Tokenizer(mode="word", max_len=4).fit(["one two three four five six"])
    encoded = tokenizer.encode(["one two", "one two three four five six"])
    assert encoded.dtype == np.int32
    assert encoded.shape == (2, 4)
    ids = tokenizer.index_
    assert encoded[0].tolist() == [ids["one"], ids["two"], PAD_ID, PAD_ID]
    assert encoded[1].tolist() == [ids["one"], ids["two"], ids["three"], ids["four"]]


def test_encode_with_cls_puts_cls_first_and_keeps_width():
    tokenizer = Tokenizer(mode="word", max_len=3).fit(["x y z"])
    encoded = tokenizer.encode(["x y z"], add_cls=True)
    assert encoded.shape == (1, 3)
    assert encoded[0].tolist() == [CLS_ID, tokenizer.index_["x"], tokenizer.index_["y"]]


def test_unknown_tokens_map_to_unk_and_case_folds():
    tokenizer = Tokenizer(mode="word", max_len=4).fit(["hello world"])
    encoded = tokenizer.encode(["HELLO mars", "ＨＥＬＬＯ"])
    assert encoded[0].tolist() == [tokenizer.index_["hello"], UNK_ID, PAD_ID, PAD_ID]
    assert encoded[1, 0] == tokenizer.index_["hello"]
    case_kept = Tokenizer(mode="word", lowercase=False, max_len=2).fit(["hello"])
    assert case_kept.encode(["Hello"])[0, 0] == UNK_ID


def test_encode_accepts_a_single_string():
    tokenizer = Tokenizer(mode="char", max_len=8).fit([CHINESE])
    assert tokenizer.encode(CHINESE).shape == (1, 8)


@pytest.mark.parametrize(
    ("text", "add_cls"),
    [(ENGLISH, False), (ENGLISH, True), (CHINESE, True), ("Totally unseen words here", False)],
)
def test_tokens_align_with_encode_positions(text, add_cls):
    tokenizer = Tokenizer(max_len=6).fit([ENGLISH, CHINESE, JAPANESE])
    ids = tokenizer.encode([text], add_cls=add_cls)[0]
    tokens = tokenizer.tokens(text, add_cls=add_cls)
    assert len(tokens) == int(np.count_nonzero(ids))
    assert (tokens[0] == "[CLS]") == add_cls
    for token, token_id in zip(tokens, ids, strict=False):
        expected = token.lower() if token != "[CLS]" else token
        assert tokenizer.vocab_[token_id] in (expected, "[UNK]")
        if token_id == UNK_ID:
            assert expected not in tokenizer.index_


def test_tokens_keep_original_spelling_for_labels():
    tokenizer = Tokenizer(mode="word").fit(["hello"])
    assert tokenizer.tokens("Hello Mars") == ["Hello", "Mars"]


def test_to_dict_from_dict_round_trip_gives_identical_encodings():
    texts = [ENGLISH, CHINESE, JAPANESE, "Emoji 🎉🎉 and more"]
    tokenizer = Tokenizer(mode="char_bigram", max_vocab=30, max_len=10).fit(texts)
    restored = Tokenizer.from_dict(json.loads(json.dumps(tokenizer.to_dict())))
    probe = [*texts, "never seen before"]
    assert np.array_equal(
        restored.encode(probe, add_cls=True), tokenizer.encode(probe, add_cls=True)
    )
    assert restored.vocab_ == tokenizer.vocab_
    assert restored.tokens(CHINESE) == tokenizer.tokens(CHINESE)
    assert (restored.mode, restored.max_vocab, restored.max_len) == ("char_bigram", 30, 10)


def test_from_dict_rejects_foreign_or_damaged_data():
    with pytest.raises(ValueError, match="Not a saved Glassbox tokenizer"):
        Tokenizer.from_dict({"vocab": []})
    saved = Tokenizer(mode="word").fit(["a b"]).to_dict()
    saved["vocab_"] = ["a", *saved["vocab_"]]
    with pytest.raises(ValueError, match="damaged"):
        Tokenizer.from_dict(saved)


def test_fit_without_max_len_uses_the_95th_percentile_rounded_to_8():
    texts = [" ".join(["w"] * n) for n in range(1, 21)]
    assert Tokenizer(mode="word").fit(texts).max_len_ == 24


def test_fit_rejects_bad_settings_and_empty_input():
    with pytest.raises(ValueError, match="mode must be one of"):
        Tokenizer(mode="bpe").fit(["a"])
    with pytest.raises(ValueError, match="max_vocab must be above 3"):
        Tokenizer(max_vocab=3).fit(["a"])
    with pytest.raises(DatasetError, match="no texts"):
        Tokenizer().fit([])
    with pytest.raises(DatasetError, match="nothing but spaces"):
        Tokenizer().fit(["  ", "\t"])


def test_truncation_report_counts_texts_and_tokens_lost():
    tokenizer = Tokenizer(mode="word", max_len=8).fit(["w"])
    texts = [" ".join(["w"] * n) for n in (3, 10, 20)]
    report = tokenizer.truncation_report(texts)
    assert (report.n_texts, report.n_truncated) == (3, 2)
    assert (report.tokens_total, report.tokens_lost) == (33, 14)
    assert report.share_tokens_lost == pytest.approx(14 / 33)
    assert "2 of 3 texts" in report.summary()
    assert "longer than 8 tokens" in report.summary()
    with_cls = tokenizer.truncation_report(texts, add_cls=True)
    assert with_cls.tokens_lost == 16


def test_truncation_report_when_everything_fits():
    tokenizer = Tokenizer(mode="word", max_len=8).fit(["a b"])
    report = tokenizer.truncation_report(["a b", "a"])
    assert report.n_truncated == 0
    assert report.summary() == "All 2 texts fit in 8 tokens."


def test_propose_lengths_percentiles_and_proposals():
    texts = [" ".join(["w"] * n) for n in range(1, 21)]
    proposal = propose_lengths(texts, "word")
    assert proposal.mode == "word"
    assert proposal.n_texts == 20
    assert proposal.p50 == pytest.approx(10.5)
    assert proposal.p90 == pytest.approx(18.1)
    assert proposal.p95 == pytest.approx(19.05)
    assert proposal.p99 == pytest.approx(19.81)
    assert proposal.max_tokens == 20
    assert proposal.max_len == 24
    assert proposal.distinct_tokens == 1
    assert proposal.max_vocab == 4  # never more than the distinct tokens plus 3 specials


def test_propose_lengths_vocab_covers_95_percent_within_bounds():
    spread = propose_lengths([" ".join(f"t{i}" for i in range(2000))], "word")
    assert spread.max_vocab == 1900 + 3
    skewed = propose_lengths([" ".join(["a"] * 100_000 + [f"r{i}" for i in range(1500)])], "word")
    assert skewed.max_vocab == 1000
    huge = propose_lengths([" ".join(f"t{i}" for i in range(60_000))], "word")
    assert huge.max_vocab == 50_000


def test_propose_lengths_clamps_max_len_and_resolves_auto():
    assert propose_lengths(["a"], "word").max_len == 8
    assert propose_lengths([" ".join(["w"] * 1000)], "word").max_len == 512
    assert propose_lengths([CHINESE]).mode == "char"


def test_propose_lengths_rejects_empty_input():
    with pytest.raises(DatasetError, match="no texts"):
        propose_lengths([], "word")
    with pytest.raises(DatasetError, match="nothing but spaces"):
        propose_lengths(["   "], "word")
