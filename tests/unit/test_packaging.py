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
    for needed in ("hfcompare/cli.py", "hfcompare/backends/base.py", "hfcompare/backends/local/bundled.py",
                   "hfcompare/backends/remote/common.py", "hfcompare/decide/ab.py", "hfcompare/storage/store.py",
                   "hfcompare/data/catalog.json", "hfcompare/samples/invoice_chatbot.json",
                   "hfcompare/samples/invoice_retrieval.jsonl"):
        assert needed in names
    assert not [n for n in names if n.startswith(("ui/", "app_pages/", "tests/", "benchmarks/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "hfcompare = hfcompare.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_hfcompare_command_runs():
    command = Path(sys.executable).parent / "hfcompare"
    assert command.exists(), "make install installs hfcompare itself (pip install -e .)"
    shown = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and "usage:" in shown.stdout and "bench" in shown.stdout


def test_the_wheel_installs_into_a_fresh_venv_and_its_command_runs(tmp_path):
    """`pip install` of the wheel into a new venv, outside the repository. The dependencies come from this
    venv's site-packages (no network here), appended after the fresh venv's own, so `hfcompare` itself
    is the installed copy, not this checkout."""
    import site
    import venv

    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("hfcompare-*.whl")
    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)  # ensurepip: pip from the standard library, offline
    python = fresh / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                                str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    shown = subprocess.run([str(fresh / "bin" / "hfcompare"), "--help"], capture_output=True, text=True, cwd=tmp_path,
                           timeout=120)
    assert shown.returncode == 0 and "usage:" in shown.stdout, shown.stderr
    where = subprocess.run([str(python), "-c", "import hfcompare, hfcompare.decide.ab, hfcompare.hub.catalog as c; "
                            "print(hfcompare.__file__); print(len(c.load_catalog().entries))"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert where.returncode == 0, where.stderr
    path, entries = where.stdout.split()
    assert path.startswith(purelib) and int(entries) > 10
