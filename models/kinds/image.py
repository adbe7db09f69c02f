"""Model kinds for images: the CNN, the small ViT and the pixel baseline."""

from models.capabilities import CONV_MAPS, FEATURES, GRADCAM, IMAGE_ATTENTION, PREDICT_ONE
from models.kinds.base import KERAS_DEFAULTS, ModelKind

# Off by default: on small sets like the 8×8 digits, turned and shifted copies cost more
# accuracy than they add; flips are wrong for digits and letters.
_AUGMENT = {"augment": False, "flip": False}

KINDS = [
    ModelKind(
        key="cnn",
        label="Convolutional network (CNN)",
        modality="image",
        framework="keras",
        trainer="models.image.networks:train",
        builder="models.image.networks:build_cnn",
        defaults={
            **KERAS_DEFAULTS,
            "epochs": 30,
            "validation_split": 0.1,
            "dropout": 0.3,
            "conv_blocks": 3,
            "filters": 32,
            "dense_units": 128,
            "batch_norm": True,
            **_AUGMENT,
        },
        capabilities={FEATURES, CONV_MAPS, GRADCAM, PREDICT_ONE},
        description="Conv → batch norm → ReLU blocks (filters double each block), global "
        "pooling and a dense head. Augmentation (off by default) shifts and turns training "
        "images a little; flip only for things that look the same mirrored. Shows filters, "
        "activation maps and Grad-CAM.",
    ),
    ModelKind(
        key="vit",
        label="Vision Transformer (small ViT)",
        modality="image",
        framework="keras",
        trainer="models.image.networks:train",
        builder="models.image.networks:build_vit",
        defaults={
            **KERAS_DEFAULTS,
            "epochs": 40,
            "validation_split": 0.1,
            "dropout": 0.1,
            "patch_size": 0,
            "embed_dim": 64,
            "depth": 4,
            "num_heads": 4,
            "mlp_dim": 128,
            **_AUGMENT,
        },
        capabilities={FEATURES, IMAGE_ATTENTION, PREDICT_ONE},
        description="Images cut into patches (patch size 0 = automatic, about an 8×8 grid), a "
        "few transformer encoder blocks and a mean over tokens. Shows attention per layer and "
        "head and attention rollout. Needs more epochs than a CNN on small data.",
    ),
    ModelKind(
        key="pixel_logreg",
        label="Pixel logistic regression (baseline)",
        modality="image",
        framework="sklearn",
        trainer="models.image.baselines:train",
        builder="models.image.baselines:build_pixel_logreg",
        defaults={"C": 1.0},
        capabilities={PREDICT_ONE},
        description="Logistic regression on the raw pixels: the bar a deep model has to clear.",
    ),
]
