"""docker-compose.yml keeps the roles apart: only the one-shot `migrate` gets the owner's URL; web, worker and beat
start after it, as the application role. (The file is also checked against the Compose Specification schema by
hand: the machines have no Docker engine.)"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services():
    assert set(compose()["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_only_migrate_gets_the_owner_url():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["environment"]["DATABASE_URL_FILE"] == "/run/secrets/database_url"
        assert not any(key.startswith("DATABASE_OWNER_URL") for key in service["environment"]), name
        assert "database_owner_url" not in service["secrets"], name
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_OWNER_URL_FILE"] == "/run/secrets/database_owner_url"
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_secrets_come_from_files():
    data = compose()
    for name, service in data["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "SECRET", "DATABASE")):
                assert key.endswith("_FILE"), (name, key)
            if key.endswith("_FILE"):
                assert value.startswith("/run/secrets/"), (name, key)
                assert value.removeprefix("/run/secrets/") in service["secrets"], (name, key)
    assert all(secret["file"].startswith("./secrets/") for secret in data["secrets"].values())


def test_postgres_runs_the_role_script():
    postgres = compose()["services"]["postgres"]
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in postgres["volumes"]
    script = (ROOT / "deploy" / "postgres-init" / "10-ditep-roles.sql").read_text()
    assert "ALTER ROLE ditep_app LOGIN NOSUPERUSER NOBYPASSRLS" in script
    assert "ALTER ROLE ditep_owner LOGIN NOSUPERUSER NOBYPASSRLS" in script
