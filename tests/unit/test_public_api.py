"""The public API as the README documents it, and the module paths of version 0.1."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from hfcompare._moved import BECAME_PACKAGE, MOVED

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _library_blocks() -> list[str]:
    section = README.split("## Library\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_a_version_0_1_path_imports_the_module_that_replaced_it(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)


@pytest.mark.parametrize("old, new", sorted(BECAME_PACKAGE.items()))
def test_a_module_that_became_a_package_still_gives_its_names(old, new):
    package, module = importlib.import_module(old), importlib.import_module(new)
    public = [name for name, value in vars(module).items()
              if not name.startswith("_") and getattr(value, "__module__", None) == new]
    assert public
    for name in public:
        assert getattr(package, name) is getattr(module, name)


def test_the_documented_top_level_names_import():
    import hfcompare
    from hfcompare import ab, monitoring  # noqa: F401 - documented as `from hfcompare import ab`

    assert callable(hfcompare.embed) and callable(hfcompare.generate)
    assert hfcompare.ModelRef.parse("local:x").model == "x"
    assert ab.__name__ == "hfcompare.decide.ab"


def test_every_import_in_the_readme_library_section_works():
    lines = [line for block in _library_blocks() for line in block.splitlines()
             if re.match(r"\s*(from hfcompare|import hfcompare)", line)]
    assert len(lines) >= 6
    for line in lines:
        exec(line.split("#")[0].strip(), {})  # noqa: S102 - our own README


@pytest.mark.slow
def test_the_readme_evaluation_catalog_and_scoring_example_gives_what_it_says():
    block = next(b for b in _library_blocks() if "parse_test_suite" in b)
    namespace: dict = {}
    for statement in re.split(r"\n(?=\S)", block):  # one top-level statement at a time
        if statement.startswith(("{", "figure.value", "ranked.winner")):
            continue
        exec(statement, namespace)  # noqa: S102 - our own README
    results = {str(r.ref): round(r.metrics["ndcg@10"], 3) for r in namespace["results"]}
    assert results == {"local:sentence-transformers/all-MiniLM-L6-v2": 1.0, "lexical:tfidf": 0.815}
    figure = namespace["figure"]
    assert (figure.value, figure.benchmark) == (62.17, "MTEB English v1 (56 datasets)")
    assert figure.source.url.startswith("https://huggingface.co/")
    assert namespace["ranked"].winner == "a"
    assert [round(s, 3) for s in namespace["ranked"].scores] == [0.847, 0.82]
