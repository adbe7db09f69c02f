"""What each hyperparameter is called on the Train page, and a line that says what it does.

Keyed by the parameter's name in the model kinds' defaults (models/kinds/): a kind
that adds a hyperparameter adds its line here (tests/test_train_page.py checks that
every default of every kind has one). "0 = …" says what a zero means where it is
not a plain number.
"""

from __future__ import annotations

PARAMS: dict[str, tuple[str, str]] = {
    # every Keras model
    "epochs": ("Epochs", "Passes over the training rows."),
    "batch_size": ("Batch size", "Samples per weight update: smaller is noisier, larger faster."),
    "learning_rate": (
        "Learning rate",
        "Step size of each update (Keras: the starting rate, lowered to 0 along a cosine; "
        "gradient boosting: how much each tree adds).",
    ),
    "validation_split": (
        "Validation split (of the training rows)",
        "Share of the training rows held out to draw validation curves and to stop early. "
        "The test rows are never used for this.",
    ),
    "dropout": (
        "Dropout",
        "Share of units switched off at random while training, against overfitting.",
    ),
    "feature_snapshots": (
        "Feature snapshots",
        "Keep a layer's features of a fixed training sample at this many epochs, to watch the "
        "feature space move in Explore (0 = off).",
    ),
    "early_stopping_patience": (
        "Early stopping patience",
        "Stop when the validation loss has not improved for this many epochs, and keep the "
        "weights of the best epoch (0 = off; needs a validation split).",
    ),
    "balance_classes": (
        "Balance classes",
        "Weight each class by its rarity in the loss, so a rare class is not ignored "
        "(for imbalanced targets; classification only).",
    ),
    # tables
    "hidden_layers": ("Hidden layers", "Dense layers between the input and the output."),
    "hidden_units": ("Units per hidden layer", "Width of each hidden layer."),
    "C": (
        "Inverse regularisation (C)",
        "Smaller C = simpler model (stronger regularisation); larger C fits the training rows "
        "more closely.",
    ),
    "n_estimators": ("Trees", "Number of trees averaged; more is steadier and slower."),
    "max_depth": ("Maximum tree depth", "How deep each tree may grow (0 = no limit)."),
    "max_iter": (
        "Boosting rounds",
        "Trees added one after another, each fixing the last ones' errors.",
    ),
    # images
    "conv_blocks": (
        "Convolution blocks",
        "Blocks of convolution; each one halves the image and doubles the filters.",
    ),
    "filters": (
        "Filters",
        "Convolution filters in the first block (images) or in each block (text).",
    ),
    "dense_units": ("Dense units", "Width of the dense layer before the output."),
    "batch_norm": (
        "Batch normalisation",
        "Normalise each block's outputs; steadier, faster training.",
    ),
    "augment": ("Augment images", "Shift and turn training images a little each epoch."),
    "flip": (
        "Flip images",
        "Also mirror training images; only for things that look the same mirrored.",
    ),
    "patch_size": (
        "Patch size (pixels)",
        "Side of the square patches the ViT reads (0 = about an 8×8 grid).",
    ),
    "embed_dim": ("Patch embedding size", "Length of the vector each patch becomes."),
    "depth": ("Encoder blocks", "Transformer blocks, one after another."),
    "num_heads": ("Attention heads", "Parallel attention patterns per layer."),
    "mlp_dim": ("Feed-forward width", "Width of the dense layer inside each transformer block."),
    # texts
    "cell": ("Recurrent cell", "LSTM or GRU; a GRU is a little faster, an LSTM a little stronger."),
    "embedding_dim": ("Token embedding size", "Length of the vector each token becomes."),
    "rnn_units": ("Recurrent units", "Width of the LSTM or GRU in each direction."),
    "max_len": (
        "Sequence length (tokens)",
        "Texts are cut or padded to this many tokens (0 = proposed from the training texts: "
        "the 95th-percentile length).",
    ),
    "max_vocab": (
        "Vocabulary size",
        "Most frequent tokens kept; the rest read as unknown (0 = proposed from the training "
        "texts: enough to cover 95 % of tokens).",
    ),
    "num_layers": ("Encoder layers", "Transformer encoder layers, one after another."),
    "ff_dim": ("Feed-forward width", "Width of the dense layer inside each encoder layer."),
    "kernel_size": (
        "Kernel size (tokens)",
        "How many neighbouring tokens each filter reads at once.",
    ),
    "ngram_max": ("Longest n-gram", "Terms of up to this many words (or characters) are counted."),
    "max_features": ("Most terms kept", "The TF-IDF vocabulary: the most frequent terms."),
}


def label_and_help(name: str) -> tuple[str, str]:
    """The label and help of a hyperparameter; its name and no help when it has no line."""
    return PARAMS.get(name, (name.replace("_", " ").capitalize(), ""))
