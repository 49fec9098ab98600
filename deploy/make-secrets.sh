#!/usr/bin/env bash
# Create ./secrets/ for docker-compose.yml: random passwords and the URLs built from them. Existing files are kept
# (run it again after deleting one to renew it; a database password must then be changed in PostgreSQL too).
set -euo pipefail
cd "$(dirname "$0")/.."
# The folder is private to this user; the files are world-readable because Docker Compose bind-mounts them as they
# are and the containers' users (postgres, ditep) are not this user.
mkdir -p -m 700 secrets
chmod 700 secrets
db="${POSTGRES_DB:-ditep}"

random() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }
keep_or_write() {
    [ -s "secrets/$1" ] || printf '%s' "$2" > "secrets/$1"
    chmod 644 "secrets/$1"
}

for name in postgres_password db_owner_password db_app_password db_backup_password django_secret_key; do
    keep_or_write "$name" "$(random)"
done
keep_or_write database_url "postgresql://ditep_app:$(cat secrets/db_app_password)@postgres:5432/$db"
keep_or_write database_owner_url "postgresql://ditep_owner:$(cat secrets/db_owner_password)@postgres:5432/$db"
ls -l secrets
