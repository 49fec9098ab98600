# DUI DITEP: one image for web (gunicorn), Celery worker, Celery beat and the one-shot migrate.
# Build: docker compose build   (see docs/operations.md)
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    DITEP_VAR_DIR=/app/var \
    DITEP_MEDIA_ROOT=/srv/media

# WeasyPrint (PDF reports) loads Pango and HarfBuzz; DejaVu gives it fonts. postgresql-client: pg_dump, psql.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

RUN groupadd --system --gid 10001 ditep \
    && useradd --system --uid 10001 --gid ditep --home-dir /app --shell /usr/sbin/nologin ditep

WORKDIR /app

# Dependencies first (cached layer while only the code changes).
COPY pyproject.toml uv.lock .python-version README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev

# Static files at build time: settings need a secret and a database URL to load, not a database.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /srv/media /app/var/run \
    && chown -R ditep:ditep /srv/media /app/var

USER ditep
EXPOSE 8000

# gunicorn also reads WEB_CONCURRENCY (workers) and GUNICORN_CMD_ARGS.
CMD ["gunicorn", "ditep.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--no-control-socket"]
