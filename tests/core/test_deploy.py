"""The production recipe in deploy/ stays true to the code: every setting Loket reads is in
the environment template, the template's values load, the systemd units verify and name real
commands, and the backup is restored by the drill (on PostgreSQL, when a server is there)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SRC = ROOT / "src" / "loket"
TEMPLATE = DEPLOY / "loket.env.example"
LOKET = str(Path(sys.executable).parent / "loket")

# Read by the code but not for production, each with its reason.
NOT_FOR_PRODUCTION = {
    "LOKET_DEMO": "set by `loket demo` for its own processes",
    "LOKET_DEMO_PORT": "`loket demo` only",
    "LOKET_DEMO_GRAPH_PORT": "`loket demo` only",
    "LOKET_WA_BENCH_VIEWS": "reference views for bench/bench_ingest.py, never on in production",
    "LOKET_TEST_DB_NAME": "the test database's name (pytest)",
    "LOKET_AXES_ENABLED": "tests switch the login lockout off; production never does",
    "LOKET_WA_WEBHOOK_CLOCK": "which column the webhook-silence alert reads; internal",
}
# Read by the scripts in deploy/ (not by Loket itself).
READ_BY_SCRIPTS = re.compile(r"\$\{?(LOKET_[A-Z0-9_]+)")
ENV_READERS = {"envstr", "envint", "envbool", "envlist", "getenv"}


def names_read_by_loket() -> set[str]:
    """Every LOKET_* variable the code reads: envstr/envint/envbool/envlist, os.environ.get,
    os.getenv, os.environ[...]; an f-string name like LOKET_CHECKLIST_{service} as
    LOKET_CHECKLIST_<SERVICE>."""
    names: set[str] = set()

    def literal(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(
                part.value if isinstance(part, ast.Constant) else f"<{ast.unparse(part.value).upper()}>"
                for part in node.values
                if isinstance(part, ast.Constant | ast.FormattedValue)
            )
        return None

    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                environ_get = (
                    called == "get"
                    and isinstance(func, ast.Attribute)
                    and ast.unparse(func.value) == "os.environ"
                )
                if called in ENV_READERS or environ_get:
                    name = literal(node.args[0])
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                name = literal(node.slice)
            if name and name.startswith("LOKET_"):
                names.add(name)
    return names


def template_names() -> dict[str, str]:
    """NAME -> value for every `NAME=value` or `# NAME=value` line of the template."""
    found = {}
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s*((?:LOKET_|DATABASE_URL)[A-Z0-9_<>]*)=(.*)$", line)
        if match:
            found.setdefault(match.group(1), match.group(2))
    return found


def active_lines() -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in TEMPLATE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    )


def test_the_scan_finds_settings_read_every_way():
    names = names_read_by_loket()
    # envint in settings.py, os.environ.get in serve.py, an f-string per service, envstr
    assert {
        "LOKET_DB_PREPARED",
        "LOKET_WEB_WORKERS",
        "LOKET_CHECKLIST_<SERVICE>",
        "LOKET_SECRET_KEY",
    } <= names
    assert "LOKET_WA_TIMEOUT_WAIT_SECONDS" in names  # written over two lines
    assert len(names) > 100


def test_every_setting_loket_reads_is_in_the_env_template_or_named_not_for_production():
    listed = set(template_names())
    missing = sorted(names_read_by_loket() - listed - set(NOT_FOR_PRODUCTION))
    assert not missing, f"add to deploy/loket.env.example (or NOT_FOR_PRODUCTION with a reason): {missing}"


def test_the_env_template_names_nothing_that_nobody_reads():
    scripts = {m for path in DEPLOY.glob("*.sh") for m in READ_BY_SCRIPTS.findall(path.read_text())}
    known = names_read_by_loket() | scripts | {"DATABASE_URL"}
    # LOKET_CHECKLIST_<SERVICE> covers LOKET_CHECKLIST_KIA; any string setting takes NAME_FILE.
    patterns = [re.escape(name) + "(_FILE)?" for name in known]
    patterns += [re.sub(r"<[A-Z]+>", "[A-Z0-9_]+", name) for name in known if "<" in name]
    stale = sorted(name for name in template_names() if not any(re.fullmatch(p, name) for p in patterns))
    assert not stale, f"deploy/loket.env.example names settings nothing reads: {stale}"
    assert not set(NOT_FOR_PRODUCTION) & set(active_lines()), "a test-only setting is set for production"


def test_the_env_templates_production_values_load_as_settings(tmp_path):
    """The active lines, placeholders filled, give the settings the docs promise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "DATABASE_URL"))}
    for name, value in active_lines().items():
        env[name] = re.sub(r"<[^>]*>", "filled-in-by-the-operator", value)
    env.update(LOKET_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["DJANGO_SETTINGS_MODULE"] = "loket.settings"
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.LOKET_PROXY_COUNT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.LOGGING['handlers']['console']['formatter'], s.ALLOWED_HOSTS]))"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        '[false, 1, ["HTTP_X_FORWARDED_PROTO", "https"], true, 31536000, "json", ["loket.example.go.id"]]'
    )


def test_the_systemd_units_run_real_loket_commands():
    """Each ExecStart names a loket sub-command and options that command accepts."""
    seen = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if not line.startswith("ExecStart=/opt/loket/.venv/bin/loket "):
                continue
            command, *options = line.split("/loket ", 1)[1].split()
            helped = subprocess.run([LOKET, command, "--help"], capture_output=True, text=True, timeout=120)
            assert helped.returncode == 0, f"{unit.name}: loket {command}: {helped.stderr}"
            for option in (o for o in options if o.startswith("--")):
                assert option in helped.stdout, f"{unit.name}: loket {command} has no {option}"
            seen.append(command)
    assert sorted(seen) == ["migrate", "serve", "worker"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/loket/.venv/bin/loket", LOKET)
        text = text.replace("/opt/loket/deploy/", f"{DEPLOY}/")
        (tmp_path / unit.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=120
    )
    problems = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 0 and not problems, problems


# --- backup and the restore drill, on PostgreSQL ------------------------------------------------


def _postgres_server() -> str:
    """The PostgreSQL server of this run (DATABASE_URL), else one on 127.0.0.1 if it answers."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    parts = urllib.parse.urlsplit(url)
    server = (
        f"postgresql://{parts.username or 'postgres'}@{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    )
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            raise  # on a PostgreSQL run the server must answer
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432 (SQLite-only machine)")
    return server


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def live(tmp_path):
    """A scratch 'live' database with demo cases and their files, dropped afterwards."""
    server = _postgres_server()
    name = f"loket_backup_test_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"{server}/{name}",
        LOKET_DATA_DIR=str(tmp_path / "data"),
        LOKET_SECRET_KEY="backup-test-key",
        LOKET_BACKUP_DIR=str(tmp_path / "backups"),
        LOKET_DRILL_DATABASE=f"{name}_drill",
        LOKET=LOKET,
        PATH=f"{Path(LOKET).parent}:{os.environ['PATH']}",
    )
    for step in (
        ["migrate", "--verbosity", "0"],
        ["demo-data", "--cases", "60", "--days", "2", "--seed", "5"],
    ):
        done = _run([LOKET, *step], env)
        assert done.returncode == 0, done.stderr
    yield env
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"DROP DATABASE IF EXISTS {name}_drill WITH (FORCE)")


@pytest.mark.slow
def test_a_backup_is_restored_by_the_drill_and_a_damaged_one_is_caught(live, tmp_path):
    backup = _run([str(DEPLOY / "backup.sh")], live)
    assert backup.returncode == 0, backup.stderr
    folder = _latest_backup(live)
    manifest = (folder / "MANIFEST").read_text()
    with psycopg.connect(live["DATABASE_URL"]) as conn:
        files = conn.execute("SELECT count(*) FILTER (WHERE file <> '') FROM cases_document").fetchone()[0]
        (case_rows,) = conn.execute("SELECT count(*) FROM cases_case").fetchone()
    assert case_rows == 60 and files > 0
    assert f"rows cases_case {case_rows} {case_rows}" in manifest and f"files {files}" in manifest

    drill = _run([str(DEPLOY / "restore-drill.sh")], live)  # the newest backup
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "drill: OK" in drill.stdout and "schema         up to date with this code" in drill.stdout
    assert f"{files} in the archive; {files} document rows, 0 missing" in drill.stdout
    assert re.search(rf"cases_case\s+{case_rows}\s+\({case_rows}\.\.{case_rows}\)", drill.stdout)
    with psycopg.connect(f"{_postgres_server()}/postgres") as admin:
        left = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [live["LOKET_DRILL_DATABASE"]])
        assert left.fetchone() is None  # the scratch database is dropped
        assert admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [live["DATABASE_URL"].rsplit("/", 1)[1]]
        ).fetchone()  # and the live one untouched

    # A document file lost from the media folder before the next backup: the drill says so.
    media = Path(live["LOKET_DATA_DIR"]) / "media"
    next(p for p in media.rglob("*") if p.is_file()).unlink()
    (Path(live["LOKET_BACKUP_DIR"]) / "older").mkdir()  # not a backup: never picked
    assert _run([str(DEPLOY / "backup.sh")], live).returncode == 0
    lost = _run([str(DEPLOY / "restore-drill.sh"), str(_latest_backup(live))], live)
    assert lost.returncode == 1
    assert f"FAILED: 1 of {files} document files are missing from the archive" in lost.stdout

    # A damaged dump is refused before anything is restored.
    dump = folder / "loket.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    damaged = _run([str(DEPLOY / "restore-drill.sh"), str(folder)], live)
    assert damaged.returncode == 1 and "checksums do not match" in damaged.stderr


def _latest_backup(env: dict[str, str]) -> Path:
    return max(p for p in Path(env["LOKET_BACKUP_DIR"]).iterdir() if (p / "MANIFEST").exists())


def test_the_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "LOKET_BACKUP_DIR": str(tmp_path),
    }
    done = _run([str(DEPLOY / "backup.sh")], env)
    assert done.returncode == 1 and "DATABASE_URL is not PostgreSQL" in done.stderr
    assert not any(tmp_path.glob("20*"))
