"""The package installs: a wheel with the library and its data (not the app or the tests), and the
`hfcompare` command beside the interpreter, as `make install` sets it up."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_the_library_its_data_and_the_command(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "--quiet", "--wheel-dir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("hfcompare-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("hfcompare/cli.py", "hfcompare/backends/base.py", "hfcompare/data/catalog.json",
                   "hfcompare/samples/invoice_chatbot.json", "hfcompare/samples/invoice_retrieval.jsonl"):
        assert needed in names
    assert not [n for n in names if n.startswith(("ui/", "app_pages/", "tests/", "benchmarks/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "hfcompare = hfcompare.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_hfcompare_command_runs():
    command = Path(sys.executable).parent / "hfcompare"
    assert command.exists(), "make install installs hfcompare itself (pip install -e .)"
    shown = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "usage:" in shown.stdout and "bench" in shown.stdout
