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
#: A role that logs in with a password over TCP (scram-sha-256), for tests of wrong credentials;
#: the superuser `postgres` logs in without one.
APP_USER, APP_PASSWORD = "hfcompare_app", "pw-Vq8Zr2LmT5"


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
def postgres_cluster(durable: bool = False) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a database in a new cluster; stop and remove it afterwards.
    Tests run without fsync (faster, and nothing needs to survive a power cut); `durable` keeps
    PostgreSQL's default, for benchmarks."""
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
        hba = data / "pg_hba.conf"
        hba.write_text("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n")
        if os.geteuid() == 0:
            shutil.chown(hba, "postgres", "postgres")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder}"
        run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "-o",
            options + ("" if durable else " -c fsync=off"), "start")
        try:
            run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", DATABASE)
            run("psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", DATABASE, "-v", "ON_ERROR_STOP=1",
                "-c", f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_PASSWORD}'",
                "-c", f"GRANT ALL ON DATABASE {DATABASE} TO {APP_USER}",
                "-c", f"GRANT ALL ON SCHEMA public TO {APP_USER}")
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def with_user(url: str, user: str, password: str, database: str | None = None) -> str:
    """`url` logging in as `user` with `password` (and on `database`)."""
    from sqlalchemy.engine import make_url

    changed = make_url(url).set(username=user, password=password)
    return changed.set(database=database).render_as_string(False) if database else changed.render_as_string(False)


@contextmanager
def fresh_database(url: str, owner: str | None = None) -> Iterator[str]:
    """A new, empty database in the cluster of `url` (the superuser's), owned by `owner` if given,
    dropped afterwards even if a connection was left open."""
    import uuid

    import sqlalchemy
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}" + (f" OWNER {owner}" if owner else ""))
        yield make_url(url).set(database=name).render_as_string(False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()
