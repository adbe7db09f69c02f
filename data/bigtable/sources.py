"""Tables that stay on this machine's disk: which paths may be read, and what they hold.

A person points Glassbox at a file or a folder instead of uploading it, so only folders the
operator listed in GLASSBOX_DATA_ROOTS (default `<workspace>/data`) can be read: a path is
resolved with every symlink followed and must still lie inside a root, which stops both
`../..` and a link pointing elsewhere. A run stores the path relative to its root
(`path:sales/2024.parquet`), so the reference keeps working when the roots move together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from data.dataset import DatasetError

DATA_ROOTS_ENV = "GLASSBOX_DATA_ROOTS"
REF_PREFIX = "path:"
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.zst")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
_COMPRESSION = {".gz": "gzip", ".zst": "zstd"}
_IGNORED_PREFIXES = ("_", ".")  # Spark's _SUCCESS, _committed_*, .crc files

Format = Literal["csv", "parquet"]


@dataclass(frozen=True, eq=False)
class DataFile:
    """One file of a table, with the partition values its folder names carry."""

    path: Path
    size: int
    mtime_ns: int
    partition: dict[str, str] = field(default_factory=dict)
    made_from: tuple[DataFile, ...] = ()  # a copy fails to read once these change

    @property
    def compression(self) -> str | None:
        return _COMPRESSION.get(self.path.suffix)


@dataclass(frozen=True)
class TableSource:
    """A file or a folder of files that together make one table."""

    ref: str
    path: Path
    format: Format
    files: tuple[DataFile, ...]

    @property
    def name(self) -> str:
        return self.ref.removeprefix(REF_PREFIX)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def identity(self) -> tuple:
        """What says 'the same bytes as before' without reading them: paths, sizes, mtimes."""
        return tuple((str(f.path), f.size, f.mtime_ns) for f in self.files)

    @property
    def partition_columns(self) -> list[str]:
        names: dict[str, None] = {}
        for data_file in self.files:
            names.update(dict.fromkeys(data_file.partition))
        return list(names)


def copy_source(source: TableSource, copy: Path) -> TableSource:
    """A Parquet copy of a table, read in its place while the original files stay the same."""
    info = copy.stat()
    data_file = DataFile(copy, info.st_size, info.st_mtime_ns, made_from=source.files)
    return TableSource(source.ref, copy, "parquet", (data_file,))


def data_roots(workspace: Path) -> list[Path]:
    """The folders tables may be read from, as listed in GLASSBOX_DATA_ROOTS."""
    listed = os.environ.get(DATA_ROOTS_ENV, "")
    roots = [Path(p).expanduser() for p in listed.split(os.pathsep) if p.strip()]
    return [root.resolve() for root in roots or [Path(workspace) / "data"]]


def open_source(path: str | Path, workspace: Path) -> TableSource:
    """A table from a path: absolute, or relative to a data root (tried in order)."""
    roots = data_roots(workspace)
    raw = Path(str(path).strip())
    if str(raw) in ("", "."):
        raise DatasetError("Give the path of a CSV or Parquet file, or of a folder of them.")
    candidates = [raw] if raw.is_absolute() else [root / raw for root in roots]
    for candidate in candidates:
        if candidate.exists() or candidate.is_symlink():
            return _source_at(candidate, roots)
    raise DatasetError(
        f"There is no file or folder {str(raw)!r} in the data folders ({_shown(roots)}). "
        "Check the spelling, or copy the table into one of those folders."
    )


def resolve_ref(ref: str, workspace: Path) -> TableSource:
    if not ref.startswith(REF_PREFIX):
        raise DatasetError(f"{ref!r} is not a path reference; expected {REF_PREFIX}<path>.")
    return open_source(ref.removeprefix(REF_PREFIX), workspace)


def is_table_path(path: Path) -> bool:
    return path.name.lower().endswith(CSV_SUFFIXES + PARQUET_SUFFIXES)


def _source_at(candidate: Path, roots: list[Path]) -> TableSource:
    root = _root_holding(candidate, roots)
    resolved = candidate.resolve()
    if resolved.is_dir():
        files = _folder_files(resolved, root)
    else:
        files = [_data_file(resolved, {})]
    return TableSource(
        ref=REF_PREFIX + resolved.relative_to(root).as_posix(),
        path=resolved,
        format=_format_of(resolved, files),
        files=tuple(files),
    )


def _root_holding(candidate: Path, roots: list[Path]) -> Path:
    """The root the fully resolved path lies in; a refusal says which trick left the roots."""
    resolved = candidate.resolve()
    for root in roots:
        if resolved.is_relative_to(root):
            return root
    lexical = Path(os.path.normpath(candidate.absolute()))
    inside = any(lexical.is_relative_to(root) for root in roots)
    if inside and resolved != lexical:
        why = f"it is a link to {str(resolved)!r}, which is outside them"
    elif ".." in candidate.parts:
        why = "its '..' steps lead out of them"
    else:
        why = "it is not inside any of them"
    raise DatasetError(
        f"Glassbox only reads tables from the data folders ({_shown(roots)}), and "
        f"{str(candidate)!r} is refused: {why}. Copy or move the table into a data folder, or "
        f"ask whoever runs Glassbox to add its folder to {DATA_ROOTS_ENV}."
    )


def _folder_files(folder: Path, root: Path) -> list[DataFile]:
    """Every data file below the folder, sorted, so the row order is the same each time."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(_IGNORED_PREFIXES))
        here = Path(dirpath)
        for name in sorted(filenames):
            path = here / name
            if name.startswith(_IGNORED_PREFIXES) or not is_table_path(path):
                continue
            if not path.resolve().is_relative_to(root):
                raise DatasetError(
                    f"{str(path)!r} inside the folder is a link to {str(path.resolve())!r}, "
                    "outside the data folders. Replace the link with the file itself, or "
                    "remove it."
                )
            found.append(_data_file(path, _partition_of(path.relative_to(folder))))
    for dirpath, dirnames, _ in os.walk(folder):
        for name in dirnames:
            link = Path(dirpath) / name
            if link.is_symlink() and not link.resolve().is_relative_to(root):
                raise DatasetError(
                    f"{str(link)!r} inside the folder links to {str(link.resolve())!r}, outside "
                    "the data folders. Replace the link with the folder itself, or remove it."
                )
    if not found:
        raise DatasetError(
            f"The folder {str(folder)!r} holds no CSV (.csv, .csv.gz, .csv.zst) or Parquet "
            "(.parquet) files. Choose the folder that holds the table's files."
        )
    return found


def _partition_of(relative: Path) -> dict[str, str]:
    """Hive-style partition values from folder names: `year=2024/month=05/part-0.parquet`."""
    pairs = (part.split("=", 1) for part in relative.parts[:-1] if "=" in part)
    return {key: value for key, value in pairs}


def _data_file(path: Path, partition: dict[str, str]) -> DataFile:
    if not is_table_path(path):
        raise DatasetError(
            f"{path.name!r} is not a CSV (.csv, .csv.gz, .csv.zst) or Parquet (.parquet) file. "
            "Choose a file with one of those endings, or a folder of them."
        )
    info = path.stat()
    if info.st_size == 0:
        raise DatasetError(
            f"{str(path)!r} is empty (0 bytes). It may still be being written; wait until it "
            "is complete, or remove it from the folder."
        )
    return DataFile(path, info.st_size, info.st_mtime_ns, partition)


def _format_of(path: Path, files: list[DataFile]) -> Format:
    csv = [f for f in files if f.path.name.lower().endswith(CSV_SUFFIXES)]
    if csv and len(csv) < len(files):
        raise DatasetError(
            f"The folder {str(path)!r} mixes CSV files ({len(csv)}, such as "
            f"{csv[0].path.name!r}) and Parquet files ({len(files) - len(csv)}). A table is "
            "read from files of one kind: put the CSV and the Parquet files in separate folders."
        )
    return "csv" if csv else "parquet"


def _shown(roots: list[Path]) -> str:
    return ", ".join(str(root) for root in roots)
