"""scikit-learn objects on disk as .skops files, read back only when every type is trusted.

A pickle or joblib file runs whatever code it names while it loads, so a model
file handed around between people must not be one. skops stores the same objects
as data and lists every type it would have to import; `load` refuses a file that
names a type outside skops' defaults, the short list below (array containers of
scikit-learn's own trees) and the functions of the app's own preprocessing module.

Runs written before this module kept `model.joblib` / `preprocessor.joblib`;
`load_run_object` still reads those, because the app wrote them itself.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SKOPS_SUFFIX = ".skops"
LEGACY_SUFFIX = ".joblib"
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".sav", ".dill")

# Listed by skops as "untrusted" only because they are not in its defaults: data
# containers of scikit-learn's own estimators, and functions of this app.
SAFE_TYPES = frozenset(
    {
        "numpy.dtype",
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn._loss.link.IdentityLink",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.MultinomialLogit",
    }
)
# The app's own preprocessing module: its functions are Glassbox's code, not the file's.
APP_MODULES = ("data.tabular_prep",)


def _app_functions() -> set[str]:
    """Dotted names of the functions defined in APP_MODULES (not names they import)."""
    import importlib
    import inspect

    found = set()
    for name in APP_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name:
                found.add(f"{name}.{attr}")
    return found


def trusted_types() -> set[str]:
    return set(SAFE_TYPES) | _app_functions()


class UntrustedFile(ValueError):
    """A model file that could run code while loading; the message says how to re-save it."""


@contextmanager
def _slimmed(obj: Any) -> Iterator[None]:
    """A TF-IDF vectorizer whose vocabulary is one array of terms, not a dict.

    skops writes a dict entry by entry into its JSON schema (about 600 bytes per term,
    and each NumPy index as an array file of its own): a 50,000-term character-n-gram
    vocabulary made a 32 MB file that took seconds to load, all of it auditing entries.
    The terms in index order are the vectorizer's own `vocabulary` parameter, so
    scikit-learn rebuilds the same dict on the first `transform` (its `_check_vocabulary`)
    and the file stays a plain pipeline for anyone loading it with skops. `stop_words_`
    (every term `max_features` cut) is introspection only; scikit-learn's docs say to
    drop it before saving. The object is put back as it was once it is written.
    """
    import numpy as np

    changed = []
    for part in _parts(obj):
        vocabulary = getattr(part, "vocabulary_", None)
        if isinstance(vocabulary, dict) and vocabulary and hasattr(part, "vocabulary"):
            changed.append(
                (part, vocabulary, part.vocabulary, part.__dict__.pop("stop_words_", None))
            )
            part.vocabulary = np.asarray(sorted(vocabulary, key=vocabulary.__getitem__), str)
            del part.vocabulary_
    try:
        yield
    finally:
        for part, vocabulary, parameter, stop_words in changed:
            part.vocabulary_, part.vocabulary = vocabulary, parameter
            if stop_words is not None:
                part.stop_words_ = stop_words


def _parts(obj: Any) -> Iterator[Any]:
    """The object and every step of the pipelines inside it."""
    yield obj
    for _, step in getattr(obj, "steps", None) or []:
        yield from _parts(step)


def save(obj: Any, path: Path) -> Path:
    """Write `obj` as skops (atomically: a temporary name, then renamed)."""
    import skops.io as sio

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with _slimmed(obj):
        sio.dump(obj, tmp)
    tmp.replace(path)
    return path


def untrusted_types(path: Path) -> list[str]:
    """Types the file would import that are neither skops defaults nor in SAFE_TYPES."""
    import skops.io as sio

    return sorted(set(sio.get_untrusted_types(file=Path(path))) - trusted_types())


def load(path: Path) -> Any:
    """The object in a .skops file, refusing pickles and untrusted types with a clear message.

    skops audits the file's types as it loads it; the list of untrusted types is only
    gathered (a second audit, as long as the load) when the load was refused.
    """
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise UntrustedFile(refusal_for_non_skops(path))
    try:
        return sio.load(path, trusted=sorted(trusted_types()))
    except UntrustedTypesFoundException:
        unknown = untrusted_types(path)
        raise UntrustedFile(
            f"'{path.name}' names types Glassbox does not trust: {', '.join(unknown)}. Loading "
            "them would import and run their code. Use scikit-learn's own estimators and "
            "transformers (custom classes and functions cannot be loaded here), then save "
            "again with skops.io.dump."
        ) from None
    except Exception as error:
        if _is_skops_zip(path):
            raise
        raise UntrustedFile(
            f"'{path.name}' is a zip archive but not a skops file ({error}). Save the model "
            "with skops.io.dump(model, 'model.skops')."
        ) from error


def _is_skops_zip(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return "schema.json" in archive.namelist()


def refusal_for_non_skops(path: Path) -> str:
    """Why a pickle/joblib file (or anything not a skops zip) is refused, and how to re-save it."""
    path = Path(path)
    head = path.read_bytes()[:1] if path.exists() else b""
    pickled = head == b"\x80" or path.suffix.lower() in PICKLE_SUFFIXES
    kind = "a pickle (or joblib) file" if pickled else "not a skops file"
    return (
        f"'{Path(path).name}' is {kind}. Pickle and joblib files can run any code when they "
        "are opened, so Glassbox does not open them. Re-save the model where you trained it: "
        "`import skops.io as sio; sio.dump(model, 'model.skops')`, and load that file."
    )


def load_run_object(run_dir: Path, stem: str) -> Any:
    """`<stem>.skops` of a run, or `<stem>.joblib` for runs saved before skops (the app's own)."""
    run_dir = Path(run_dir)
    skops_path = run_dir / f"{stem}{SKOPS_SUFFIX}"
    if skops_path.exists():
        return load(skops_path)
    legacy = run_dir / f"{stem}{LEGACY_SUFFIX}"
    if legacy.exists():
        import joblib

        return joblib.load(legacy)
    raise FileNotFoundError(f"this run saved no {stem} file")


def run_object_exists(run_dir: Path, stem: str) -> bool:
    run_dir = Path(run_dir)
    return any((run_dir / f"{stem}{suffix}").exists() for suffix in (SKOPS_SUFFIX, LEGACY_SUFFIX))
