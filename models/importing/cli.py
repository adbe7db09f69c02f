"""`python -m models.train --load FILE --dataset NAME`: an imported run from the command line.

The same checks and the same spec as the Load page, so the run is the one the page
would have made; refusals are printed as the page shows them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from models.spec import RunSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("loading a model (instead of --model)")
    group.add_argument("--load", metavar="FILE", help="a .keras or .skops model to evaluate")
    group.add_argument(
        "--resize", action="store_true", help="resize the images to the model's input size"
    )
    group.add_argument(
        "--pixel-scale",
        choices=("raw", "unit"),
        help="the pixels the model reads: raw 0-255 or unit 0-1 (default: raw when the model "
        "starts with a Rescaling layer, else unit)",
    )
    group.add_argument(
        "--class-order", help="class names in the order of the model's outputs, comma-separated"
    )
    group.add_argument("--feature-layer", help="layer whose outputs feed the embedding view")


def import_spec_from_args(args: argparse.Namespace, workspace: Path) -> RunSpec:
    """Check the file and the pairing (raising ImportRefused), then the run's spec."""
    from data.registry import load_dataset
    from models.importing.describe import describe_file
    from models.importing.pairing import check_pairing, data_facts
    from models.importing.runs import check_size, import_spec, stash_model_file

    source = Path(args.load)
    check_size(source.stat().st_size, source.name)
    stashed = stash_model_file(workspace, source.name, source.read_bytes())
    summary = describe_file(stashed)
    dataset = args.dataset if ":" in args.dataset else f"builtin:{args.dataset}"
    options = {"target": args.target} if args.target else {}
    data = load_dataset(dataset, workspace, options).data
    order = [name.strip() for name in args.class_order.split(",")] if args.class_order else None
    pairing = check_pairing(summary, data_facts(data), args.resize, order)
    scale = args.pixel_scale or ("raw" if summary["rescales"] else "unit")
    return import_spec(
        stashed,
        dataset,
        pairing,
        dataset_options=options,
        pixel_scale=scale,
        feature_layer=args.feature_layer,
        seed=args.seed,
        test_size=args.test_size,
    )
