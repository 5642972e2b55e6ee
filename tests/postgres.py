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


class Cluster:
    """One throwaway cluster: its folder, port and `pg_ctl`; `start` and `stop` may be called again
    (a server going down and coming back)."""

    def __init__(self, durable: bool = False):
        binaries = postgres_bin()
        if binaries is None:
            raise RuntimeError("PostgreSQL is not installed (Debian's postgresql package; .ci/run installs it)")
        self.binaries, self.durable = binaries, durable
        self.folder = Path(tempfile.mkdtemp(prefix="hfcompare-pg-"))
        self.data, self.port, self.running = self.folder / "data", free_port(), False
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def url(self) -> str:
        """The superuser's SQLAlchemy URL of the cluster's database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(_as_postgres([str(self.binaries / program), *args]), check=True, capture_output=True,
                       text=True, timeout=120)

    def create(self) -> None:
        """initdb; the superuser logs in without a password, every other role with one (scram)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        hba = self.data / "pg_hba.conf"
        hba.write_text("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n")
        if os.geteuid() == 0:
            shutil.chown(hba, "postgres", "postgres")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o",
                  options + ("" if self.durable else " -c fsync=off"), "start")
        self.running = True

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def create_database(self) -> None:
        """The database `hfcompare`, and the role APP_USER (with APP_PASSWORD) allowed to use it."""
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        self._run("createdb", *where, DATABASE)
        self._run("psql", *where, "-d", DATABASE, "-v", "ON_ERROR_STOP=1",
                  "-c", f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_PASSWORD}'",
                  "-c", f"GRANT ALL ON DATABASE {DATABASE} TO {APP_USER}",
                  "-c", f"GRANT ALL ON SCHEMA public TO {APP_USER}")


@contextmanager
def running_cluster(durable: bool = False) -> Iterator[Cluster]:
    """A new, running cluster with its database; stopped and removed afterwards. Tests run without
    fsync (faster, and nothing needs to survive a power cut); `durable` keeps PostgreSQL's
    default, for benchmarks."""
    cluster = Cluster(durable)
    try:
        cluster.create()
        cluster.start()
        try:
            cluster.create_database()
            yield cluster
        finally:
            if cluster.running:
                cluster.stop()
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)


@contextmanager
def postgres_cluster(durable: bool = False) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a database in a new cluster (see `running_cluster`)."""
    with running_cluster(durable) as cluster:
        yield cluster.url


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
