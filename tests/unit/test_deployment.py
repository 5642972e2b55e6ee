"""The Space's README front matter and the Dockerfile: parsed and checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, "README.md must start with YAML front matter"
    return yaml.safe_load(match.group(1))


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def instructions(name: str) -> list[str]:
    return [args for instruction, args in dockerfile() if instruction == name]


def docker_cmd() -> list[str]:
    return json.loads(instructions("CMD")[-1])


def test_front_matter_declares_a_docker_space():
    meta = front_matter()
    assert meta["sdk"] == "docker" and meta["app_port"] == 8501
    assert meta["title"] and meta["emoji"] and meta["short_description"]
    assert len(meta["short_description"]) <= 60
    assert "streamlit" in meta["tags"]


def test_dockerfile_runs_as_uid_1000_on_port_8501_with_a_healthcheck():
    runs = " ".join(instructions("RUN"))
    assert re.search(r"useradd\b.*--uid 1000\b", runs)
    assert instructions("USER")[-1] == "user"
    assert instructions("EXPOSE") == ["8501"]
    assert any("/_stcore/health" in h for h in instructions("HEALTHCHECK"))
    assert str(front_matter()["app_port"]) in docker_cmd()[-1] or "${PORT:-8501}" in docker_cmd()[-1]


def test_state_lives_on_a_writable_path_owned_by_the_user():
    env = " ".join(instructions("ENV"))
    home = re.search(r"HFCOMPARE_HOME=(\S+)", env).group(1)
    root = "/" + home.strip("/").split("/")[0]
    assert re.search(rf"mkdir -p {root}\b.*chown user:user {root}\b", " ".join(instructions("RUN")))


def test_image_installs_cpu_torch_before_the_requirements():
    runs = " ".join(instructions("RUN"))
    cpu = runs.index("download.pytorch.org/whl/cpu torch==")
    assert cpu < runs.index("-r requirements.txt")
    pinned = re.search(r"^torch==(\S+)", (ROOT / "requirements.txt").read_text(), re.MULTILINE).group(1)
    assert f"torch=={pinned}" in runs


def test_cmd_serves_app_py_with_streamlit_headless():
    command = docker_cmd()
    assert command[:2] == ["sh", "-c"]
    assert "streamlit run app.py" in command[2] and "--server.headless=true" in command[2]


def test_the_space_runs_in_public_mode():
    assert re.search(r"(^|\s)HFCOMPARE_PUBLIC=1(\s|$)", " ".join(instructions("ENV")))
