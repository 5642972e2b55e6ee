"""The app started exactly as the Dockerfile's CMD starts it (same command line; only PORT and
HOST point it at a free loopback port) serves a page in the browser."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, screenshot
from tests.servers import free_port, start_and_wait, stop
from tests.unit.test_deployment import docker_cmd

pytestmark = [pytest.mark.e2e]


def test_docker_cmd_serves_the_app(tmp_path, page):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "HFCOMPARE_HOME": str(tmp_path / "data"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    url = f"http://127.0.0.1:{port}"
    process = start_and_wait(docker_cmd(), f"{url}/_stcore/health", tmp_path / "cmd.log", timeout_s=90, cwd=ROOT,
                             env=env)
    try:
        page.goto(url)
        page.get_by_role("heading", name="Compare embedding models").wait_for()
        page.get_by_role("link", name="Discover").click()
        page.get_by_role("heading", name="Discover models").wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, "docker_cmd")
    finally:
        stop(process)
    assert (tmp_path / "data").is_dir()
