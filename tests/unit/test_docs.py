"""The docs stay true and short: every environment variable the code reads is documented in
docs/configuration.md, the README stays within 10 KB, and every relative link points to a file."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for folder in ("hfcompare", "ui", "app_pages") for p in sorted((ROOT / folder).rglob("*.py"))] \
    + [ROOT / "app.py"]
CONFIGURATION = ROOT / "docs" / "configuration.md"
README_MAX_BYTES = 10_240

#: An HFCOMPARE_ name anywhere in a string literal (settings are often named by a constant, HOME_ENV = ...).
OURS = re.compile(r"\bHFCOMPARE_[A-Z0-9_]*[A-Z0-9]\b")
#: A whole string literal that names another library's variable (a table of keys, {"api_key": ("HF_TOKEN",)}).
THEIRS = re.compile(r"(HF|OPENAI)_[A-Z0-9_]*[A-Z0-9]")
ENVIRON_READS = ("environ.get", "getenv", "environ.setdefault", "environ.pop")


def _loop_keys(tree: ast.Module, inner: ast.AST, variable: str) -> list[str]:
    """The values `variable` takes in the `for` loop around `inner`, over a module-level dict, tuple or list."""
    tables = {target.id: node.value for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
              for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
              if isinstance(target, ast.Name)}
    found: list[str] = []
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For) or not any(n is inner for n in ast.walk(loop)):
            continue
        names = [n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)]
        if variable not in names[:1]:
            continue
        source = loop.iter.func.value if isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Attribute) \
            else loop.iter
        table = tables.get(source.id) if isinstance(source, ast.Name) else source
        if isinstance(table, ast.Dict):
            found += [k.value for k in table.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        elif isinstance(table, (ast.Tuple, ast.List)):
            found += [e.value for e in table.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return found


def variables_read(path: Path) -> set[str]:
    """Environment variables a source file names: HFCOMPARE_ literals, f"HFCOMPARE_{name.upper()}"
    over a table of names, literal os.environ / os.getenv reads, and HF_/OPENAI_ names given whole."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(OURS.findall(node.value))
            if THEIRS.fullmatch(node.value):
                found.add(node.value)
        elif isinstance(node, ast.Call) and node.args and ast.unparse(node.func).endswith(ENVIRON_READS):
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                found.add(node.slice.value)
        elif isinstance(node, ast.JoinedStr):
            parts = node.values
            for before, value in zip(parts, parts[1:]):
                if isinstance(before, ast.Constant) and str(before.value).endswith("HFCOMPARE_") \
                        and isinstance(value, ast.FormattedValue):
                    inner = value.value
                    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
                            and inner.func.attr == "upper" and isinstance(inner.func.value, ast.Name):
                        variable = inner.func.value.id
                        names = _loop_keys(tree, node, variable)
                        assert names, f"{path}: cannot tell which variables {ast.unparse(node)} reads"
                        found.update(f"HFCOMPARE_{name.upper()}" for name in names)
    return found


def test_the_scan_finds_variables_read_each_way():
    read = set().union(*(variables_read(p) for p in SOURCES))
    assert {"HFCOMPARE_HOME", "HFCOMPARE_BACKOFF_S", "HFCOMPARE_BATCH_SIZE", "HF_TOKEN", "OPENAI_API_KEY",
            "HF_HUB_OFFLINE"} <= read


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_environment_variable_the_code_reads_is_in_the_configuration_docs(path):
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)", CONFIGURATION.read_text(encoding="utf-8")))
    missing = sorted(variables_read(path) - documented)
    assert not missing, f"{path.relative_to(ROOT)} reads {', '.join(missing)}: add them to docs/configuration.md"


def test_the_readme_stays_short():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_MAX_BYTES, f"README.md is {size:,} bytes; move detail to docs/ (at most {README_MAX_BYTES:,})"


DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file(document):
    text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue   # a URL, or a place on the same page
        path = (document.parent / unquote(target.split("#", 1)[0])).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)} links to missing files: {', '.join(broken)}"


def test_the_docs_folder_has_an_index_that_links_every_page():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"README.md"}
    assert not sorted(p for p in pages if f"({p})" not in index)
