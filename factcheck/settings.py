"""Settings for the claim tracker, driven by environment variables.

The defaults suit a laptop: SQLite in the project folder and background tasks run in process. Production sets
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY and ALLOWED_HOSTS. There is no second settings
module: tests and production read this same file.

Over 400 lines because every setting is here with the reason for its default, in the order a deployer reads them
(docs/OPERATIONS.md lists them as a table).
"""

import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """The variable as a boolean; unset or empty is `default`, and a word that is neither yes nor no (a typo such as
    "ture") stops the start with its name rather than reading as False."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes or no: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def _env_number(name: str, default, kind):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number ({kind.__name__}).") from None


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int)


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# "Production" is DEBUG off with ALLOWED_HOSTS named in the environment (a site that serves a real host name); see
# "Production hardening" below.
PRODUCTION = not DEBUG and bool(os.environ.get("ALLOWED_HOSTS", "").strip())

# Required when DEBUG is off. In production nothing starts without it (web, worker, beat, manage.py), with the
# reason. Elsewhere (the tests, a command on a laptop) Django refuses an empty key the moment anything signs with it
# (sessions, CSRF), while commands that sign nothing (migrate, makemigrations) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
if not SECRET_KEY and PRODUCTION:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off and ALLOWED_HOSTS set this is a production site, which needs a long "
        "random SECRET_KEY in its environment (deploy/systemd/factcheck.env.example, docs/OPERATIONS.md). For a "
        "laptop, set DEBUG=true instead."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "claims",
    "reviews",
    "api",
]

MIDDLEWARE = [
    "factcheck.logging.RequestIdMiddleware",
    # An address longer than MAX_URL_LENGTH is a 414 (in the API's error shape for API requests).
    "factcheck.middleware.UrlLengthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A form over the upload limit is the styled 413 page; before the CSRF middleware, which reads the form.
    "factcheck.middleware.RequestTooLargeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that went away is a 503 with Retry-After, not a 500.
    "factcheck.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    # An empty DATABASE_URL counts as unset.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that went silent fails a request (a 503) and the readiness probe in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while a task writes; IMMEDIATE takes the write lock at BEGIN, so two
        # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that a Celery worker in another process can see what a test wrote.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_DB", str(BASE_DIR / "test-db.sqlite3"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reviews:article-list"
LOGOUT_REDIRECT_URL = "login"

# The desk works in German and English; the browser's language picks one, the user can switch.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first with a 24-hour clock (factcheck/formats/en/formats.py).
FORMAT_MODULE_PATH = ["factcheck.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    # API keys (`Authorization: Bearer KEY`) for clients, the session for the web app's own pages.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadScope"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    # Anonymous requests are counted per address: the connection's own, unless NUM_PROXIES proxies in front of the
    # app each append to X-Forwarded-For, whose entry that many from the end is then the client's. The default of
    # none means the header (which any client can send) is never believed.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handle_exception",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "rest_framework.parsers.FormParser"],
}

# The API (api/, docs/API.md); drf_spectacular_sidecar serves Swagger UI's files for /api/v1/docs/ (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "Claim tracker API",
    "DESCRIPTION": "Claims, their review status and verdicts, articles, the source registry. See docs/API.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.integer_ids",
        "api.schema.common_errors",
        "api.schema.request_rules",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "ClaimStateEnum": "claims.models.ClaimState",
        "VerdictEnum": "claims.models.Verdict",
        "WorkStatusEnum": "claims.models.WorkStatus",
        "ProposalStatusEnum": "claims.models.ProposalStatus",
        "SourceKindEnum": "claims.models.SourceKind",
        "EventKindEnum": "reviews.models.EventKind",
    },
}
# Where clients reach the app: absolute links in webhook bodies.
API_PUBLIC_URL = os.environ.get("API_PUBLIC_URL", "http://localhost:8000")
# Where readers reach the published fact-checks (/factchecks/<id>-<slug>/, their feed, ClaimReview `url`): without
# it, API_PUBLIC_URL when set, else in production https:// and the first of ALLOWED_HOSTS.
_first_host = next((host for host in ALLOWED_HOSTS if host and host[0] not in ".*"), "")
PUBLIC_BASE_URL = os.environ.get(
    "PUBLIC_BASE_URL",
    os.environ.get("API_PUBLIC_URL") or (f"https://{_first_host}" if PRODUCTION and _first_host else API_PUBLIC_URL),
)
# The language the desk publishes in: the verdicts' names on the public pages, in the feed and in every ClaimReview
# (the page's and the API's), whatever language the reader's browser asks for. One of LANGUAGES.
FACTCHECK_LANGUAGE = os.environ.get("FACTCHECK_LANGUAGE", LANGUAGE_CODE)
if FACTCHECK_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"FACTCHECK_LANGUAGE is {FACTCHECK_LANGUAGE!r}: use one of {', '.join(code for code, _name in LANGUAGES)}."
    )
# The fact-checking organisation named as `author` of published ClaimReviews.
FACTCHECK_ORGANISATION_NAME = os.environ.get("FACTCHECK_ORGANISATION_NAME", "Claim tracker fact-checking desk")
FACTCHECK_ORGANISATION_URL = os.environ.get("FACTCHECK_ORGANISATION_URL", PUBLIC_BASE_URL)
# Only for a desk that publishes its fact-checks elsewhere (its CMS): their address, the ClaimReview `url`, with
# {base} (PUBLIC_BASE_URL), {id} (the claim's id) and {slug}. Empty: the public page here.
CLAIMREVIEW_URL = os.environ.get("CLAIMREVIEW_URL", "")
# How many fact-checks the feed (/factchecks/feed/) lists, newest first.
FACTCHECK_FEED_LENGTH = env_int("FACTCHECK_FEED_LENGTH", 50)
# Webhook deliveries (api/tasks.py): seconds to connect and to wait for an answer, retries after the first attempt,
# and the first retry's delay in seconds (doubling each time, kept inside the visibility timeout: api/services.py).
WEBHOOK_CONNECT_TIMEOUT = env_float("WEBHOOK_CONNECT_TIMEOUT", 5)
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 10)
WEBHOOK_MAX_RETRIES = env_int("WEBHOOK_MAX_RETRIES", 8)
WEBHOOK_RETRY_BACKOFF = env_int("WEBHOOK_RETRY_BACKOFF", 10)
# Webhooks are delivered to public addresses only, as articles are fetched (claims/fetching.py); host names listed
# here (comma-separated) may resolve to private or loopback addresses: a receiver on the private network, or a local
# one in development and the tests. Empty by default.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", "")
# Requests per API key (or per session user) and period (second, minute, hour, day); over it: 429 and Retry-After.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/minute")
# How many reviewed claims /api/v1/claims/lookup returns at most.
API_LOOKUP_LIMIT = env_int("API_LOOKUP_LIMIT", 10)
# The longest `text` the lookup takes (a claim is a sentence or two). Percent-encoded, even as umlauts (6 bytes a
# character), it fits in MAX_URL_LENGTH; the embedding reads its first 512 tokens in any case.
LOOKUP_MAX_CHARACTERS = env_int("LOOKUP_MAX_CHARACTERS", 1000)
# The search `q` of the queues and of /api/v1/claims/: each word is a condition on the claim's text, speaker and
# outlet, so the words and the length are bounded.
SEARCH_MAX_WORDS = env_int("SEARCH_MAX_WORDS", 20)
SEARCH_MAX_CHARACTERS = env_int("SEARCH_MAX_CHARACTERS", 500)

# Celery. Without a broker the tasks run in process (eagerly, right after the transaction that enqueued them
# commits), so the embedded default needs no Redis. With CELERY_BROKER_URL set, a real worker runs them.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
# Without a broker, where the in-process tasks run: in the request that sent them (the default: a command such as
# `ingest` prints what they did), or with TASKS_IN_THREAD on one background thread of the web process, one task
# after another, so that a page returns at once and shows the work's progress (`manage.py demo` turns it on).
TASKS_IN_THREAD = CELERY_TASK_ALWAYS_EAGER and env_bool("TASKS_IN_THREAD", False)
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
# A failing task records its failure on the row it works on; the web request that enqueued it must not fail.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work (run `celery -A factcheck beat`): claims are proposed sources again when new documents arrive, and
# work the queue lost or never got (the broker was down when it was stored) is sent again (factcheck/queueing.py):
# articles and claims by the claims app's sweep, evidence snapshots by the reviews app's, webhook deliveries by the
# API app's, at the same interval.
SWEEP_EVERY_SECONDS = env_int("SWEEP_EVERY_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "repropose-for-new-documents": {
        "task": "claims.repropose_for_new_documents",
        "schedule": env_int("REPROPOSE_EVERY_SECONDS", 900),
    },
    "sweep-stranded-work": {"task": "claims.sweep_stranded_work", "schedule": SWEEP_EVERY_SECONDS},
    "sweep-stuck-deliveries": {"task": "api.sweep_stuck_deliveries", "schedule": SWEEP_EVERY_SECONDS},
    "sweep-stranded-snapshots": {"task": "reviews.sweep_stranded_snapshots", "schedule": SWEEP_EVERY_SECONDS},
    # Which feeds are due is asked this often; each is polled every FEED_POLL_EVERY_SECONDS (see Feeds below).
    "poll-due-feeds": {"task": "claims.poll_due_feeds", "schedule": env_int("FEED_CHECK_EVERY_SECONDS", 60)},
}
# Pending work whose task was sent this long ago and never started is sent again by the sweeper.
STRANDED_AFTER_SECONDS = env_int("STRANDED_AFTER_SECONDS", 600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged (acks_late) task whose worker died is handed out again after this many seconds.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    # A request that stores an article must not hang on a broker that is down: fail fast, the sweeper sends later.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}

# Ingestion limits: an article larger than this is refused with a clear message, not truncated.
ARTICLE_MAX_BYTES = env_int("ARTICLE_MAX_BYTES", 2_000_000)
# ... and an article whose text (a page's main text, after the markup) is longer than this: about 30,000 words, which
# the extraction analyses in about 90 s on one core, inside its time limit (claims/tasks.py).
ARTICLE_MAX_CHARACTERS = env_int("ARTICLE_MAX_CHARACTERS", 200_000)
# Room for a pasted article a little over the limit, so that its sender gets our message, not a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * ARTICLE_MAX_BYTES
# The longest address (path and query string, as sent) answered; a longer one is a 414. Below gunicorn's
# --limit-request-line (8190 bytes in deploy/, the Dockerfile and docker-compose.yml, for the whole request line),
# so that a client gets our answer, and above the longest lookup (LOOKUP_MAX_CHARACTERS, percent-encoded).
MAX_URL_LENGTH = env_int("MAX_URL_LENGTH", 8000)
# Fetching an article from a URL (claims/fetching.py): seconds to connect, seconds for the whole fetch including
# redirects, redirects followed at most, and bytes read at most (a larger page is refused, not truncated).
FETCH_CONNECT_TIMEOUT_SECONDS = env_int("FETCH_CONNECT_TIMEOUT_SECONDS", 5)
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 20)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", ARTICLE_MAX_BYTES)
# Feeds (claims/services/feeds.py), fetched like articles (the FETCH_* limits, the allow-list): seconds between two
# polls of a feed that works; after n failures in a row a feed waits FEED_POLL_EVERY_SECONDS x 2^n, at most
# FEED_BACKOFF_MAX_SECONDS; new items stored per poll at most (each is a page to fetch; the rest come next time).
FEED_POLL_EVERY_SECONDS = env_int("FEED_POLL_EVERY_SECONDS", 900)
FEED_BACKOFF_MAX_SECONDS = env_int("FEED_BACKOFF_MAX_SECONDS", 6 * 3600)
FEED_MAX_ITEMS_PER_POLL = env_int("FEED_MAX_ITEMS_PER_POLL", 20)
# Extraction that started longer ago than this without finishing is treated as abandoned and may be taken again.
EXTRACTION_STALE_AFTER_SECONDS = env_int("EXTRACTION_STALE_AFTER_SECONDS", 600)
PROPOSALS_STALE_AFTER_SECONDS = env_int("PROPOSALS_STALE_AFTER_SECONDS", 300)

# External fact-check search (Google Fact Check Tools `claims:search` or a service speaking its format); off
# without a key.
FACTCHECK_TOOLS_API_KEY = os.environ.get("FACTCHECK_TOOLS_API_KEY", "")
FACTCHECK_TOOLS_URL = os.environ.get(
    "FACTCHECK_TOOLS_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
FACTCHECK_TOOLS_CONNECT_TIMEOUT = env_float("FACTCHECK_TOOLS_CONNECT_TIMEOUT", 3)
FACTCHECK_TOOLS_TIMEOUT = env_float("FACTCHECK_TOOLS_TIMEOUT", 8)
FACTCHECK_TOOLS_RETRIES = env_int("FACTCHECK_TOOLS_RETRIES", 3)
FACTCHECK_TOOLS_BACKOFF = env_float("FACTCHECK_TOOLS_BACKOFF", 0.5)
FACTCHECK_TOOLS_PAGE_SIZE = env_int("FACTCHECK_TOOLS_PAGE_SIZE", 5)

# A one-person desk may approve its own verdicts; off, an editor other than the proposer approves.
SINGLE_PERSON_APPROVAL = env_bool("SINGLE_PERSON_APPROVAL", False)

# Source proposals (claims/proposing/). Scores are the fused search scores in [0, 1] (claims/retrieval/fusion.py):
# registry documents proposed per claim at most, and the lowest score proposed; earlier reviewed claims proposed
# per claim at most, the score from which one is suggested, and the score from which a near-duplicate is linked
# automatically (never for a claim of fewer than five words). The lowest document score, 0.3 (a cosine of about 0.81
# with shared words), left out no relevant fact-check of the CheckThat! 2022 2A/2B train and dev top 5s and keeps
# weak documents from filling a claim's top 3 (docs/EVALUATION.md, "Source proposals").
PROPOSAL_DOCUMENTS_LIMIT = env_int("PROPOSAL_DOCUMENTS_LIMIT", 5)
PROPOSAL_DOCUMENTS_MIN_SCORE = env_float("PROPOSAL_DOCUMENTS_MIN_SCORE", 0.3)
EARLIER_CLAIMS_LIMIT = env_int("EARLIER_CLAIMS_LIMIT", 5)
EARLIER_CLAIMS_SUGGEST_THRESHOLD = env_float("EARLIER_CLAIMS_SUGGEST_THRESHOLD", 0.3)
EARLIER_CLAIMS_LINK_THRESHOLD = env_float("EARLIER_CLAIMS_LINK_THRESHOLD", 0.95)

# Logs: one line per record on stderr, carrying the request's id (factcheck/logging.py); LOG_FORMAT=json writes one
# JSON object a line instead.
LOG_FORMAT = "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "factcheck.logging.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "factcheck.logging.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
if LOG_FORMAT == "json":
    # Python's warnings (a library's, say) go through the same handler, so that every line on stderr is JSON.
    logging.captureWarnings(True)

# Production hardening
# In production (PRODUCTION above: DEBUG off with ALLOWED_HOSTS named in the environment) every setting below
# defaults to the secure choice, and each can still be turned off by its variable, e.g. for a
# first start before TLS works. A laptop (`make run`, DEBUG on) and the tests (no ALLOWED_HOSTS variable) keep plain
# HTTP. `manage.py check --deploy` is clean under production (tests/hardening/test_deploy_settings.py).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Probes from a load balancer come over plain HTTP from inside the network; they are answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Behind a proxy that terminates TLS, name the header it sets (PROXY_SSL_HEADER=X-Forwarded-Proto) so that Django
# knows the request was HTTPS. Only with a proxy that always sets or overwrites it: a client could send it too.
if proxy_ssl_header := os.environ.get("PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
# HSTS: browsers use HTTPS only for this long (a year in production). Preload is a promise to the browsers' built-in
# lists that is slow to take back, for the domain and all its subdomains: off unless asked for.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # security.W021 only says that preload is off, which is the deliberate default above.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from our own origin only, no inline
# scripts or styles, no frames, forms posting only to us. The Django admin (5.2) needs no allowance: it has no
# inline scripts or style attributes. CSP_REPORT_ONLY=true sends the policy as report-only while a change is tried.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None
# Login throttling (django-axes, counted in the database so that every web process sees the same count): after
# LOGIN_FAILURE_LIMIT failed logins for one user name from one address, that pair is refused, even with the right
# password, for LOGIN_LOCKOUT_MINUTES, with a message that says so (HTTP 429). A successful login resets the count;
# an admin unlocks at once with `manage.py axes_reset_username NAME` or in the admin under Axes › Access attempts.
AUTHENTICATION_BACKENDS = ["factcheck.authentication.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# In hours; a float is read as a fraction of an hour.
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# No start-up banner on every management command; failures and lockouts are still logged (names masked).
AXES_VERBOSE = False
AXES_COOLOFF_MESSAGE = _("Too many failed logins for this user from your address. Please try again later.")
# The page a locked-out login gets (HTTP 429): how long the lock lasts and who can lift it.
AXES_LOCKOUT_CALLABLE = "factcheck.authentication.lockout_response"
