"""The first page renders without importing torch, sentence-transformers or the database layer
(SQLAlchemy, Alembic: a default view fits in its URL and needs no store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60)
at.run()
assert not at.exception, at.exception
assert at.multiselect, "the model picker did not render"
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "onnxruntime", "sqlalchemy", "alembic")
               if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


def test_first_render_imports_no_heavy_library(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HFCOMPARE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY=\n" in done.stdout, done.stdout
