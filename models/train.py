"""Train from the command line, into the same run store the app reads.

    python -m models.train --dataset iris --model mlp --epochs 20
    python -m models.train --dataset digits-images --load my_cnn.keras   # evaluate a saved model
    python -m models.train --dataset path:events.csv --target outcome --model mlp

A `path:` dataset is a CSV or Parquet file, or a folder of them, inside a data folder
(GLASSBOX_DATA_ROOTS, by default <workspace>/data); it is read from disk batch by batch.

The run appears on the Runs page while it trains, exactly like one started there.
"""

from __future__ import annotations

import argparse
import json
import sys

from models.importing.cli import add_arguments, import_spec_from_args
from models.registry import MODEL_KINDS, get_kind
from models.spec import RunSpec
from models.store import RunStore


def _parse_param(text: str) -> tuple[str, object]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m models.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--dataset",
        required=True,
        help="builtin name (iris), a reference (upload:…), or path:<file or folder in a data "
        "folder> for a table read from disk",
    )
    parser.add_argument(
        "--model", choices=sorted(k for k, kind in MODEL_KINDS.items() if kind.listed)
    )
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--target", help="target column of an uploaded CSV or a path: table")
    parser.add_argument(
        "--bad-lines",
        choices=["fail", "skip"],
        help="path: CSV only: fail on a line with the wrong number of fields (default), or "
        "skip and count such lines",
    )
    parser.add_argument(
        "--key-column",
        help="path: tables only: the column whose hash assigns rows to train/validation/test "
        "(default: the row number)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other hyperparameter, e.g. --param hidden_units=128",
    )
    parser.add_argument(
        "--workspace", help="run store folder (default: $GLASSBOX_WORKSPACE or ./workspace)"
    )
    add_arguments(parser)
    return parser


def spec_from_args(args: argparse.Namespace) -> RunSpec:
    kind = get_kind(args.model)
    overrides = dict(_parse_param(text) for text in args.param)
    for name in ("epochs", "batch_size", "learning_rate"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    dataset = args.dataset if ":" in args.dataset else f"builtin:{args.dataset}"
    given = {"target": args.target, "bad_lines": args.bad_lines, "key_column": args.key_column}
    options = {name: value for name, value in given.items() if value}
    return RunSpec(dataset, args.model, kind.params(overrides), args.seed, args.test_size, options)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from models.worker import execute

    store = RunStore(args.workspace)
    if not (args.load or args.model):
        print(
            "give --model to train one, or --load FILE to evaluate a saved model", file=sys.stderr
        )
        return 2
    try:
        spec = import_spec_from_args(args, store.workspace) if args.load else spec_from_args(args)
    except (ValueError, OSError) as error:  # ImportRefused / DatasetError say what to do
        print(f"cannot start: {error}", file=sys.stderr)
        return 2
    run_id = store.create_run(spec, dataset_name=spec.dataset, status="running", origin="cli")
    doing = f"evaluating {args.load}" if args.load else f"training {spec.model}"
    print(f"run {run_id}: {doing} on {spec.dataset} (store: {store.workspace})")
    try:
        status = execute(store, run_id)
    except KeyboardInterrupt:
        store.finish_if_running(run_id, "cancelled", "stopped from the command line")
        return 130
    run = store.get(run_id)
    if run is None:
        print(f"run {run_id} was deleted while it trained", file=sys.stderr)
        return 1
    print(f"run {run_id}: {status}", json.dumps(run.final_metrics, indent=1))
    if run.error:
        print(run.traceback or run.error, file=sys.stderr)
    return 0 if status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
