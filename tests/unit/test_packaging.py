"""The package installs: a wheel with the library and its data (not the app or the tests), and the
`hfcompare` command beside the interpreter, as `make install` sets it up."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


@pytest.mark.slow  # builds the wheel and installs it into a fresh venv (about 10 s)
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


def _pins(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.split("==", 1) for line in (raw.split("#")[0].strip() for raw in lines) if "==" in line)


def test_the_core_install_is_the_store_and_the_app_extra_is_everything(tmp_path):
    """`pip install hfcompare` brings only what a product needs to report to the store; `[app]` the
    pinned set `make install` uses. The core pins are requirements.txt's own."""
    core, full = _pins("requirements-core.txt"), _pins("requirements.txt")
    assert core and all(full.get(name) == version for name, version in core.items())
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("hfcompare-*.whl")
    metadata = next(zipfile.ZipFile(wheel).read(n).decode() for n in zipfile.ZipFile(wheel).namelist()
                    if n.endswith("METADATA"))
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert sorted(r for r in requires if "extra ==" not in r) == sorted(f"{n}=={v}" for n, v in core.items())
    assert 'torch==2.13.0; extra == "app"' in requires


#: What a core install lacks: every top-level module of the app's dependencies beyond the core's.
APP_ONLY = ("torch", "pandas", "sklearn", "streamlit", "plotly", "sentence_transformers",
            "transformers", "tokenizers", "huggingface_hub", "onnxruntime", "openai", "tenacity", "requests",
            "diskcache", "llama_cpp", "rapidfuzz", "tqdm")

CORE_ONLY_SCRIPT = f"""
import sys


class CoreInstall:   # importing any app-only module fails, as it would in a core install
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {APP_ONLY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in a core install)", name=name)
        return None


sys.meta_path.insert(0, CoreInstall())
from hfcompare import monitoring
from hfcompare.decide import ab
for i in range(20):
    monitoring.track(model="bot-model", latency_s=0.1 * i, ok=i % 5 != 0, variant="ab"[i % 2], source="support-bot")
assert monitoring.flush(30) and monitoring.dropped() == 0
ab.plan("tone", per_variant=3)
for i in range(30):
    ab.log_outcome("tone", f"user-{{i}}", satisfied=i % 2 == 0)
print(len(monitoring.calls(source="support-bot")), ab.results("tone").status)
from hfcompare.cli import main
assert main(["embed", "--model", "local:sentence-transformers/all-MiniLM-L6-v2", "--input", "in.txt",
             "--output", "out.npy"]) == 2   # says what to install, no traceback
"""


def test_monitoring_and_ab_run_on_the_core_install_alone(tmp_path):
    (tmp_path / "in.txt").write_text("an invoice\n")
    done = subprocess.run([sys.executable, "-c", CORE_ONLY_SCRIPT], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HFCOMPARE_HOME": str(tmp_path)}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["20", "complete"]
    assert 'needs the app\'s dependencies' in done.stderr and 'pip install "hfcompare[app]"' in done.stderr
