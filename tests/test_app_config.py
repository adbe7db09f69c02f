"""What .streamlit/config.toml promises, pinned."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def _server_config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]


def test_a_bare_streamlit_run_listens_on_this_machine_only():
    assert _server_config()["address"] == "localhost"


def test_the_app_server_really_binds_to_the_configured_address():
    """Streamlit reads the file: its server.address option is what the file says."""
    import os

    from streamlit import config

    here = os.getcwd()
    try:
        os.chdir(ROOT)
        config.get_config_options(force_reparse=True)
        assert config.get_option("server.address") == "localhost"
    finally:
        os.chdir(here)
        config.get_config_options(force_reparse=True)
