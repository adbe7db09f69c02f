"""Small review datasets the text model tests train on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.dataset_store import save_upload

POSITIVE = ["great", "wonderful", "love", "excellent", "好看", "喜欢", "精彩", "👍"]
NEGATIVE = ["awful", "boring", "hate", "terrible", "难看", "失望", "无聊", "👎"]
TINY = {"embedding_dim": 8, "rnn_units": 8, "ff_dim": 16, "num_layers": 1, "batch_size": 16}


def review_frame(rows: int = 80, seed: int = 0) -> pd.DataFrame:
    """English and Chinese reviews whose label follows from their sentiment words.

    Every text also carries a unique marker `idN`, so a test can tell which rows'
    words reached the vocabulary.
    """
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for index in range(rows):
        positive = index % 2 == 0
        words = list(rng.choice(POSITIVE if positive else NEGATIVE, size=3))
        if index % 4 < 2:
            text = f"the book was {words[0]} and {words[1]} id{index}"
        else:
            text = f"这本书{words[0]}，{words[1]}{words[2]} id{index}"
        texts.append(text)
        labels.append("pos" if positive else "neg")
    return pd.DataFrame({"review": texts, "sentiment": labels})


def upload_reviews(workspace, frame: pd.DataFrame) -> str:
    raw = frame.to_csv(index=False).encode("utf-8")
    return save_upload(workspace, "text", "reviews.csv", {"source.csv": raw})
