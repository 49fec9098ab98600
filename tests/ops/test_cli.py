"""The ``ditep`` console script: argument parsing, and a real ``ditep demo`` run in an isolated var/ directory."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ditep import cli

START_TIMEOUT = 180  # seconds, cold start included (initdb, migrate, a year of demo data: ~90 s alone)
STOP_TIMEOUT = 40
WORKER_READY = re.compile(r"celery@\S+ ready\.")


def test_demo_defaults():
    args = cli.build_parser().parse_args(["demo"])
    assert (args.command, args.host, args.port, args.scale) == ("demo", "127.0.0.1", 8000, 1)


def test_demo_options():
    args = cli.build_parser().parse_args(["demo", "--port", "9001", "--host", "::1", "--scale", "3"])
    assert (args.host, args.port, args.scale) == ("::1", 9001, 3)


@pytest.mark.parametrize("argv", [["demo", "--port", "0"], ["demo", "--port", "70000"], ["demo", "--scale", "0"]])
def test_demo_rejects_bad_values(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(argv)
    assert exc.value.code == 2


def test_manage_passes_everything_through():
    args = cli.build_parser().parse_args(["manage", "shell", "-c", "print(1)", "--verbosity", "2"])
    assert args.args == ["shell", "-c", "print(1)", "--verbosity", "2"]


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args([])


def test_bind_address_brackets_ipv6():
    assert cli.bind_address("127.0.0.1", 8000) == "127.0.0.1:8000"
    assert cli.bind_address("::1", 8000) == "[::1]:8000"


def test_children_commands(tmp_path):
    commands = cli.children_commands("127.0.0.1", 8123, tmp_path)
    assert set(commands) == {"web", "worker", "beat"}
    assert commands["web"][1:4] == ["-m", "gunicorn", "ditep.wsgi"]
    assert "127.0.0.1:8123" in commands["web"]
    assert str(tmp_path / "celerybeat") in commands["beat"]


def test_secret_key_is_generated_once_and_private(tmp_path):
    path = cli.secret_key_file(tmp_path)
    key = path.read_text()
    assert len(key) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert cli.secret_key_file(tmp_path).read_text() == key


# --- a real run -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_with_var_dir(var_dir: Path) -> set[int]:
    """Every process started for this run: the children and the embedded servers all inherit DITEP_VAR_DIR."""
    marker = f"DITEP_VAR_DIR={var_dir}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.add(int(entry.name))
            except OSError:
                pass  # gone, or not ours
    return found


def demo_environment(var_dir: Path) -> dict[str, str]:
    # The pytest process itself runs on its own embedded server: the demo must start its own.
    skip = {
        "DATABASE_URL",
        "DATABASE_OWNER_URL",
        "REDIS_URL",
        "DITEP_TESTING",
        "DITEP_TEST_DB_NAME",
        "XDG_RUNTIME_DIR",
    }
    env = {key: value for key, value in os.environ.items() if key not in skip}
    env["DITEP_VAR_DIR"] = str(var_dir)
    return env


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http://127.0.0.1 only)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def run_demo_until_login_page(var_dir: Path, log_path: Path, runs: int) -> float:
    """Start ``ditep demo`` (the ``runs``-th time in this log), wait for the login page and the Celery worker, stop
    it with Ctrl-C and check that nothing it started is left; returns the start-up time."""
    port = free_port()
    ditep = Path(sys.executable).with_name("ditep")
    started = time.monotonic()
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [str(ditep), "demo", "--port", str(port)], env=demo_environment(var_dir), stdout=log, stderr=log
        )
    try:
        status = None
        while time.monotonic() - started < START_TIMEOUT and proc.poll() is None:
            status = http_status(f"http://127.0.0.1:{port}/connexion/")
            if status == 200:
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        assert status == 200, f"login page: {status} after {elapsed:.0f} s\n{log_path.read_text()[-4000:]}"

        # The worker connected to the embedded Redis, and beat runs.
        while time.monotonic() - started < START_TIMEOUT and len(WORKER_READY.findall(log_path.read_text())) < runs:
            time.sleep(0.5)
        assert len(WORKER_READY.findall(log_path.read_text())) == runs, log_path.read_text()[-4000:]
        assert log_path.read_text().count("beat: Starting...") == runs, log_path.read_text()[-4000:]
        # ditep, gunicorn master and 2 workers, celery worker and beat, PostgreSQL, Redis
        assert len(processes_with_var_dir(var_dir)) >= 8

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_TIMEOUT) == 0, log_path.read_text()[-4000:]
        deadline = time.monotonic() + 10
        while (left := processes_with_var_dir(var_dir)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"still running after Ctrl-C: {sorted(left)}"
        return elapsed
    finally:
        if proc.poll() is None:  # a failed assertion: stop it the normal way, then make sure
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pid in processes_with_var_dir(var_dir):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_demo_serves_the_login_page_stops_on_ctrl_c_and_restarts_on_the_same_data(tmp_path):
    var_dir = tmp_path / "var"
    log_path = tmp_path / "demo.log"
    run_demo_until_login_page(var_dir, log_path, runs=1)
    assert (var_dir / "secret_key").exists()
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()

    run_demo_until_login_page(var_dir, log_path, runs=2)
    second_run = log_path.read_text().split("==> manage.py collectstatic")[-1]
    assert "No migrations to apply." in second_run
