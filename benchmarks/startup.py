"""Seconds from `streamlit run` to a healthy server and to the first page in Chromium.

Also checks that the UI process has not loaded TensorFlow or umap (numba) to get there.
Goal: first page ≤ 3 s.
"""

from __future__ import annotations

import time

from _common import loaded_libraries, temp_workspace

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_for_health


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()  # Chromium is up before the clock starts
        port = free_port()
        started = time.perf_counter()
        process = start_app(temp_workspace("startup"), port)
        try:
            url = f"http://127.0.0.1:{port}"
            healthy = wait_for_health(url, process)
            page.goto(url)
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            page.get_by_text("Choose a dataset").wait_for(timeout=60_000)
            first_page = time.perf_counter() - started
            maps = loaded_libraries(process.pid)
        finally:
            stop_app(process)
            browser.close()
    print(f"server healthy after      {healthy:6.2f} s")
    print(f"first page rendered after {first_page:6.2f} s   (goal ≤ 3 s)")
    print(f"UI process loaded TensorFlow: {'tensorflow' in maps}; numba (umap): {'numba' in maps}")


if __name__ == "__main__":
    main()
