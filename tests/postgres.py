"""A throwaway PostgreSQL cluster for tests: Debian's `postgresql` binaries (installed by .ci/run),
`initdb` into a temporary folder, `pg_ctl start` on a free port bound to 127.0.0.1, one database,
stopped and removed at the end. PostgreSQL refuses to run as root, so as root it runs as the
`postgres` user (`runuser`). Where PostgreSQL is not installed, `postgres_bin()` is None and the
tests that need it are skipped: `make test` still runs everywhere on SQLite."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import free_port

DATABASE = "hfcompare"


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL binaries (the newest version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a database in a new cluster; stop and remove it afterwards."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it)")
    folder = Path(tempfile.mkdtemp(prefix="hfcompare-pg-"))
    data, port = folder / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    run = lambda *args: subprocess.run(_as_postgres([str(binaries / args[0]), *args[1:]]),  # noqa: E731
                                       check=True, capture_output=True, text=True, timeout=120)
    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off", "start")
        try:
            run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE)
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
