-- Run once by the postgres image's entrypoint (docker-entrypoint-initdb.d), as the superuser, in POSTGRES_DB,
-- when the data volume is empty. Idempotent: run it by hand to create the roles on another server or to change
-- the passwords:
--   psql -U postgres -d ditep -f deploy/postgres-init/10-ditep-roles.sql
-- Passwords are read from files (Docker secrets); the paths can be changed with the environment variables below.
--
--   ditep_owner   owns the database and the tables; used only by `manage.py migrate` (DATABASE_OWNER_URL).
--   ditep_app     the web app and Celery (DATABASE_URL): not owner, NOSUPERUSER, NOBYPASSRLS, so Row Level
--                 Security applies to every query. The app refuses to start with a role that would bypass it.
--   ditep_backup  pg_dump only: reads everything (pg_read_all_data) and BYPASSRLS, writes nothing.
\set ON_ERROR_STOP on
\set owner_password `cat "${DITEP_DB_OWNER_PASSWORD_FILE:-/run/secrets/db_owner_password}"`
\set app_password `cat "${DITEP_DB_APP_PASSWORD_FILE:-/run/secrets/db_app_password}"`
\set backup_password `cat "${DITEP_DB_BACKUP_PASSWORD_FILE:-/run/secrets/db_backup_password}"`

SELECT format('CREATE ROLE %I', name) FROM unnest(ARRAY['ditep_owner', 'ditep_app', 'ditep_backup']) AS name
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
ALTER ROLE ditep_owner LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD :'owner_password';
ALTER ROLE ditep_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD :'app_password';
ALTER ROLE ditep_backup LOGIN NOSUPERUSER BYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD :'backup_password';
GRANT pg_read_all_data TO ditep_backup;

ALTER DATABASE :"DBNAME" OWNER TO ditep_owner;
ALTER SCHEMA public OWNER TO ditep_owner;
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO ditep_app, ditep_backup;
-- Tables, sequences and functions are granted to ditep_app by `migrate` (core/rls.py), after every migration.
