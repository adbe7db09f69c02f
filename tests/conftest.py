"""Shared fixtures: a private workspace per test, and a real app server + Chromium for browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.ray_cluster"]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """A fresh GLASSBOX_WORKSPACE, and Streamlit's shared caches cleared so pages use it."""
    from tests.apptest_helpers import app_workspace

    with app_workspace(tmp_path / "workspace") as folder:
        yield folder


@pytest.fixture(autouse=True)
def no_embedding_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest runs the app in this process, and every test's fresh job manager would
    spawn an embedding service that spends its first minute compiling numba, killed
    again when the test ends. Page tests compute the embeddings they show themselves;
    the service is tested on its own and, in the browser tests, inside a real server."""
    from models.jobs import JobManager

    monkeypatch.setattr(JobManager, "_keep_service_alive", lambda self: None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 60) -> float:
    """Seconds until /_stcore/health answers ok; fails early if the server died."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy within {timeout} s")


def start_app(
    workspace: Path, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen:
    """The server's output goes to ``<workspace>/server.log``: an unread pipe would fill
    up with the workers' TensorFlow logging and block the server mid-test."""
    workspace.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GLASSBOX_WORKSPACE": str(workspace), **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(server_log(workspace), "ab") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def server_log(workspace: Path) -> Path:
    return workspace / "server.log"


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[str]:
    """A real `streamlit run app.py` on a free port with its own workspace; yields its URL."""
    port = free_port()
    process = start_app(tmp_path / "workspace", port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url
    finally:
        stop_app(process)


def in_ci() -> bool:
    """.ci/run sets CI=true: there a missing piece fails the run instead of skipping tests."""
    return os.environ.get("CI") == "true"


def missing(message: str) -> None:
    """Something a test needs is not installed: skip here, fail in CI."""
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_package(name: str):
    """Import a pinned package; without it, skip locally and fail in CI."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed: pip install -r requirements-dev.txt")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright. Missing browser: skip locally, fail in CI."""
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser_page(request, chromium, app_server, tmp_path):
    """A fresh page with the app open and its first page rendered.

    A failing test leaves a full-page screenshot in its tmp_path, named in the report.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_server)
    page.get_by_role("heading", name="Data").wait_for()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
        log = server_log(tmp_path / "workspace")
        if log.exists():
            print("the server's last output:\n" + log.read_text(errors="replace")[-4000:])
    context.close()
