"""The packages the requirements files pin are the ones installed (skip here, fail in CI)."""

from __future__ import annotations

import importlib.metadata

from tests.conftest import ROOT, missing


def pins() -> dict[str, str]:
    found = {}
    for file in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / file).read_text().splitlines():
            requirement = line.split("#", 1)[0].strip()
            if requirement and not requirement.startswith("-r"):
                name, _, version = requirement.partition("==")
                found[name.strip()] = version.strip()
    return found


def test_the_requirements_pin_every_package_exactly():
    assert pins(), "the requirements files list packages"
    assert all(pins().values()), "every requirement is pinned with =="
    assert {"keras", "snownlp", "mlxtend", "psutil", "playwright"} <= set(pins())


def test_every_pinned_package_is_installed_at_its_pin():
    wrong = []
    for name, version in pins().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            wrong.append(f"{name} {installed} (pinned {version})")
    if wrong:
        missing("installed packages differ from the pins: " + ", ".join(wrong))


def test_the_ci_entry_point_sets_ci_itself_before_testing():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "export CI=true" in lines
    assert lines.index("export CI=true") < lines.index("make test")


def test_every_declared_marker_is_used_by_some_test():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = [m.split(":")[0] for m in config["tool"]["pytest"]["ini_options"]["markers"]]
    sources = " ".join(path.read_text() for path in (ROOT / "tests").glob("test_*.py"))
    unused = [name for name in declared if f"pytest.mark.{name}" not in sources]
    assert not unused, f"markers nobody uses: {unused}"
