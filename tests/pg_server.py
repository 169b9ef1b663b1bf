"""A real PostgreSQL server for the tests, started from the Debian binaries (`initdb`,
`pg_ctl`) in a temporary directory on a free loopback port, with fsync off (speed; the
data is thrown away). Password authentication (scram) over TCP, as a site would have it.

As root (containers, CI) the server runs as the `postgres` user if there is one, else
`nobody`: PostgreSQL refuses to run as root."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SUPERUSER = "rtm_admin"


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or the newest /usr/lib/postgresql/N."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    for initdb in reversed(found):
        if Path(initdb).with_name("pg_ctl").exists():
            return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> tuple[Callable[[], None] | None, int | None, int | None]:
    if os.geteuid() != 0:
        return None, None, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        uid, gid = user.pw_uid, user.pw_gid

        def drop(uid: int = uid, gid: int = gid) -> None:
            os.setgid(gid)
            os.setuid(uid)

        return drop, uid, gid
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


class PgServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # its own folder in /tmp (not pytest's, whose parents only root may enter)
        self.root = root = Path(tempfile.mkdtemp(prefix="rtm-pg-"))
        self.data = root / "data"
        self.port = free_port()
        self.password = "pw-" + secrets.token_hex(8)
        self._drop, uid, gid = _run_as()
        self._databases = 0
        root.mkdir(parents=True, exist_ok=True)
        if uid is not None and gid is not None:
            os.chown(root, uid, gid)
        pwfile = root / "pw"
        pwfile.write_text(self.password)
        if uid is not None and gid is not None:
            os.chown(pwfile, uid, gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "-N",
        )
        pwfile.unlink()

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            check=check,
            preexec_fn=self._drop,  # noqa: PLW1509 (tests only; single-threaded here)
            cwd=self.root,
            timeout=120,
        )

    def start(self, durable: bool = False) -> None:
        """`durable`: fsync on, as a real server (benchmarks); tests run without it."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(self.url(database), password=self.password, autocommit=True)

    def new_database(self) -> str:
        self._databases += 1
        name = f"rtm_t{os.getpid()}_{self._databases}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name
