"""Django settings, all from the environment (see .env.example and README)."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from ditep.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DITEP_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("DITEP_TESTING", False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-dev-key-only-for-debug-and-tests"  # noqa: S105
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("DITEP_SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "pgtrigger",
    "csp",
    "core",
    "dossiers",
    "ppa",
    "agendas",
    "transmissions",
    "portail_famille",
    "activite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Opens the request transaction and sets app.organisme_id before anything reads tenant rows.
    "core.tenancy.TenantMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.tenancy.AccessMiddleware",
    "core.tenancy.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ditep.urls"
WSGI_APPLICATION = "ditep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
            "string_if_invalid": "INVALID_TEMPLATE_VARIABLE[%s]" if TESTING else "",
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------------
# DATABASE_URL is the application role (not owner, not superuser, not BYPASSRLS): Row Level Security applies to it.
# DATABASE_OWNER_URL is the owner role, used only by `migrate` (and by the test runner to create the test database).
DATABASE_URL = env_secret("DATABASE_URL")
DATABASE_OWNER_URL = env_secret("DATABASE_OWNER_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `uv run ditep demo` (embedded PostgreSQL) or `uv run ditep manage ...`, "
        "or set DATABASE_URL and DATABASE_OWNER_URL."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
DATABASES["default"]["OPTIONS"] = {"application_name": "ditep"}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # the tenant middleware opens the request transaction itself
if env_str("DITEP_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DITEP_TEST_DB_NAME")}
DATABASE_OWNER = dj_database_url.parse(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------------------------------
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL and not TESTING:
    # redis-py spells a socket "unix://", kombu (Celery) "redis+socket://" (what the embedded Redis gives).
    CACHE_URL = REDIS_URL.replace("redis+socket://", "unix://", 1)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING or not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {"task": "core.tasks.clear_expired_sessions", "schedule": crontab(minute=17, hour=3)},
    # Access delegations granted / revoked on their dates; monthly retention check (dossiers/tasks_acces.py).
    "dossiers-delegations": {
        "task": "dossiers.tasks_acces.delegations_sync_all",
        "schedule": crontab(minute=5, hour=0),
    },
    "dossiers-conservation": {
        "task": "dossiers.tasks_acces.conservation_check_all",
        "schedule": crontab(minute=30, hour=4, day_of_month=1),
    },
    # Contrat de séjour / DIPC and MDPH reminders, before the teams arrive (dossiers/services/rappels.py).
    "dossiers-rappels": {"task": "dossiers.tasks.send_daily_reminders", "schedule": crontab(minute=15, hour=6)},
    # Right-of-access exports kept 7 days (dossiers/services/exports.py).
    "dossiers-exports-expires": {"task": "dossiers.tasks.exports_purge_all", "schedule": crontab(minute=45, hour=3)},
    # Occurrences of the recurring series generated 8 weeks ahead (agendas/services/series.py).
    "agendas-series": {"task": "agendas.tasks.series_generer_all", "schedule": crontab(minute=40, hour=2)},
    # PPA due within a month or late: reminders to the référent and the chef de service (ppa/services/echeances.py).
    "ppa-rappels": {"task": "ppa.tasks.rappels_ppa_all", "schedule": crontab(minute=20, hour=6)},
    # Activity facts: the agenda change feed, debounced, every 2 minutes; a full reconciliation every night
    # (activite/services/faits.py).
    "activite-faits-invalides": {"task": "activite.tasks.faits_recalculer_invalides_all", "schedule": 120.0},
    "activite-reconciliation": {
        "task": "activite.tasks.faits_reconciliation_all",
        "schedule": crontab(minute=10, hour=1),
    },
    # Each quarter, the previous quarter's AIRe table for every dispositif, directors notified (activite/tasks.py).
    "activite-aire-trimestrielle": {
        "task": "activite.tasks.rapports_trimestriels_all",
        "schedule": crontab(minute=0, hour=5, day_of_month=1, month_of_year="1,4,7,10"),
    },
}

# --- Authentication ----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.TenantModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if TESTING:
    # Tests create hundreds of users; argon2 is asserted in tests/core/test_security.py.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation and reset links: 3 days

SESSION_COOKIE_AGE = env_int("DITEP_SESSION_SECONDS", 60 * 60 * 10)  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("DITEP_SECURE_COOKIES", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("DITEP_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DITEP_BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("DITEP_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

AXES_FAILURE_LIMIT = env_int("DITEP_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit journal

OTP_TOTP_ISSUER = "DUI DITEP"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row (our users belong to an organisme)
GUARDIAN_RAISE_403 = False
DITEP_BRIS_DE_GLACE_HEURES = 4  # a break-the-glass access to a restricted dossier lasts this many hours

# --- Content Security Policy (django-csp 4) ---------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- I18N ---------------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("DITEP_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if env_str("DITEP_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DITEP_S3_BUCKET"),
            "endpoint_url": env_str("DITEP_S3_ENDPOINT_URL"),
            "access_key": env_secret("DITEP_S3_ACCESS_KEY"),
            "secret_key": env_secret("DITEP_S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Source maps (megabytes, only read by browser devtools) are served as they are: compressing them with brotli made
# collectstatic several times slower.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- Email ----------------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DUI DITEP <ne-pas-repondre@ditep.localhost>")

# --- REST API -------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its "WWW-Authenticate: Token" header makes unauthenticated API calls 401 (not 403).
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.StaffApiPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du DUI DITEP",
    "DESCRIPTION": "API REST v1, cloisonnée par organisme gestionnaire.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set (several models have a ``statut``, a ``type``...): ``<Class>Enum``.
    "ENUM_NAME_OVERRIDES": {
        "TypeRapportEnum": "activite.enums.TypeRapport",
        "FormatRapportEnum": "activite.enums.FormatRapport",
        "StatutRapportEnum": "activite.enums.StatutRapport",
        "CadreEnum": "agendas.enums.Cadre",
        "StatutEvenementEnum": "agendas.enums.StatutEvenement",
        "PresenceEnum": "agendas.enums.Presence",
        "TypeLieuEnum": "agendas.enums.TypeLieu",
        "TypeRessourceEnum": "agendas.enums.TypeRessource",
        "MotifAbsenceEnum": "agendas.enums.MotifAbsence",
        "OrigineAbsenceEnum": "agendas.enums.OrigineAbsence",
        "StatutAbsenceEnum": "agendas.enums.StatutAbsence",
        "ModaliteEnum": "core.enums.Modalite",
        "AccountKindEnum": "core.enums.AccountKind",
        "MetierEnum": "core.enums.Metier",
        "RoleEnum": "core.enums.Role",
        "TypePartenaireEnum": "core.enums.TypePartenaire",
        "AuditActionEnum": "core.enums.AuditAction",
        "VisibiliteEnum": "core.enums.Visibilite",
        "StatutParcoursEnum": "dossiers.enums.StatutParcours",
        "SexeEnum": "dossiers.enums.Sexe",
        "StatutIdentiteEnum": "dossiers.enums.StatutIdentite",
        "DeficienceEnum": "dossiers.enums.Deficience",
        "OriginePreAdmissionEnum": "dossiers.enums.OriginePreAdmission",
        "IssuePreAdmissionEnum": "dossiers.enums.IssuePreAdmission",
        "MotifSortieEnum": "dossiers.enums.MotifSortie",
        "PrioriteEnum": "dossiers.enums.Priorite",
        "LienParenteEnum": "dossiers.enums.LienParente",
        "RoleContactEnum": "dossiers.enums.RoleContact",
        "TypeEnseignementEnum": "dossiers.enums.TypeEnseignement",
        "TypeDroitMdphEnum": "dossiers.enums.TypeDroitMdph",
        "TemporaliteAccueilEnum": "dossiers.enums.TemporaliteAccueil",
        "ModeAccordEnum": "dossiers.enums.ModeAccord",
        "TypeDocumentEnum": "dossiers.enums.TypeDocument",
        "SourceDocumentEnum": "dossiers.enums.SourceDocument",
        "StatutDocumentEnum": "dossiers.enums.StatutDocument",
        "GraviteEiEnum": "dossiers.enums.GraviteEi",
        "StatutEiEnum": "dossiers.enums.StatutEi",
        "StatutExportEnum": "dossiers.enums.StatutExport",
        "FormatExportEnum": "dossiers.enums.FormatExport",
        "StatutAccesEnum": "portail_famille.enums.StatutAcces",
        "EspaceEnum": "portail_famille.enums.Espace",
        "TypeQuestionEnum": "portail_famille.enums.TypeQuestion",
        "PublicQuestionnaireEnum": "portail_famille.enums.PublicQuestionnaire",
        "StatutQuestionnaireEnum": "portail_famille.enums.StatutQuestionnaire",
        "TypeReclamationEnum": "portail_famille.enums.TypeReclamation",
        "StatutReclamationEnum": "portail_famille.enums.StatutReclamation",
        "StatutPpaEnum": "ppa.enums.StatutPpa",
        "TypeVersionEnum": "ppa.enums.TypeVersion",
        "ResultatEvaluationEnum": "ppa.enums.ResultatEvaluation",
        "MotifRevueEnum": "ppa.enums.MotifRevue",
        "SignataireEnum": "ppa.enums.Signataire",
        "ModeAccordPpaEnum": "ppa.enums.ModeAccordPpa",
        "TypeRappelEnum": "ppa.enums.TypeRappel",
        "StatutTransmissionEnum": "transmissions.enums.StatutTransmission",
        "ImportanceEnum": "transmissions.enums.Importance",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DITEP_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
