"""One settings file, read from the environment with safe development defaults.

Set DJANGO_ENV=production for a real deployment: it turns off DEBUG and turns on every HTTPS protection.
"""

import os
from pathlib import Path

import dj_database_url

from config.embedded_db import embedded_database
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = env_str("SITE_NAME", "Find community support")
COUNCIL_NAME = env_str("COUNCIL_NAME", "Worcestershire County Council")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_otp",  # two-factor sign-in's devices (accounts/two_factor.py): an authenticator app, backup codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "procrastinate.contrib.django",  # the queue of outgoing messages (core/notifications.py): jobs in PostgreSQL
    "core",
    "enterprises",
    "accounts",
    "referrals",
    "directory",
    "reports",
    "opendata",
    *([] if PRODUCTION else ["demo", "benchmarks"]),  # development only: demo data, bench and load test
]

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # answers static files itself (gzipped by collectstatic)
    # Pages gzipped for browsers that accept it (a results page's 60 kB of HTML is 9 kB): Django's, whose random
    # padding of each response mitigates BREACH; CSRF tokens are masked afresh in every response anyway.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.db_router.ReadReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Templates (docs/architecture.md, "Templates"): Jinja2 with GOV.UK Frontend's macros, from templates/. The Django
# engine is there only for the admin's own templates.
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "enterprises.context_processors.roles",
    "referrals.context_processors.referrals",
    "directory.context_processors.shortlist",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "core.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,
            "template_modules": ["directory.templating", "enterprises.templating"],
            "loud_undefined": DEBUG,  # a variable no view gave fails the tests instead of printing nothing
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60)}
else:
    DATABASES = {"default": embedded_database(Path(env_str("EMBEDDED_DATABASE_DIR", str(BASE_DIR / ".data"))))}
# Separate test databases let two test runs share one PostgreSQL server.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_directory")}
# Database faults (core/middleware.py, core/health.py): connections are kept between requests in production
# and checked before reuse, so a restarted database is simply reconnected to, without restarting the app; and a
# connection attempt gives up after a few seconds, so pages answer 503 at once while the database is away.
DATABASES["default"]["CONN_MAX_AGE"] = env_int(
    "CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE") or (60 if PRODUCTION else 0)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3))
# Values sent apart from the SQL, so that a statement a connection runs again and again is kept prepared: parsed
# once, and planned once where one plan serves every value (docs/adr/0017). PostgreSQL spent more on parsing and
# planning the public pages' statements than on running them. Off (None) only behind a pooler that cannot keep them.
DATABASES["default"]["OPTIONS"].update(
    server_side_binding=True, prepare_threshold=5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
)

# Read replicas: DATABASE_REPLICA_URL (comma-separated for several) adds the aliases `replica`, `replica_2`, …, from
# which the public read-only pages read (core/db_router.py, docs/adr/0007). Unset, there is only the primary.
# In tests each replica mirrors the test database, so both aliases see the same rows.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URL", []), start=1):
    _alias = "replica" if _number == 1 else f"replica_{_number}"
    _replica = dj_database_url.parse(_url)
    # The primary's connection handling (connections kept and checked, the connect timeout, statements kept prepared)
    # applies to replicas too.
    _replica.update({key: DATABASES["default"][key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")})
    _replica.setdefault("OPTIONS", {}).update({key: DATABASES["default"]["OPTIONS"][key] for key in (
        "connect_timeout", "server_side_binding", "prepare_threshold")})
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[_alias] = _replica
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"] if DATABASE_REPLICAS else []

# The shared cache (directory/page_cache.py): a table in the primary database, so every app server shares it with no
# other service to run, and a cache entry is written in the same transaction as the change that makes it stale.
# `migrate` creates the table (directory/migrations/0002). docs/scaling.md, section 3, says when to move to Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "directory_cache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000), "CULL_FREQUENCY": 4},
    }
}
# How long the public pages' content is kept for visitors who are not signed in (0 turns the page cache off). A
# change to a listing replaces it at once; this is the backstop for anything that changes without a save.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "core.static_files.HashedStaticFilesStorage"
            if env_bool("HASHED_STATIC", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # the shortlist's; a signed-in session ends sooner (accounts/sessions.py)
SIGNED_IN_IDLE_MINUTES = env_int("SIGNED_IN_IDLE_MINUTES", 30)  # council staff, referrers, superusers
PROVIDER_IDLE_MINUTES = env_int("PROVIDER_IDLE_MINUTES", 120)
SIGNED_IN_MAX_HOURS = env_int("SIGNED_IN_MAX_HOURS", 9)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Security (core/security.py, enterprises/ratelimits.py, accounts/two_factor.py; the README's "Security").
# Headers on every response: Content-Security-Policy (no inline script or style anywhere) and Permissions-Policy;
# Django's SecurityMiddleware adds nosniff, Referrer-Policy and Cross-Origin-Opener-Policy (and HSTS in production).
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
PERMISSIONS_POLICY = [
    "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media", "gyroscope",
    "hid", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "serial", "usb",
    "xr-spatial-tracking",
]
# …but these, for this site's own pages only (never a frame): geolocation, for the search box's "Use my location".
PERMISSIONS_FOR_THIS_SITE = ["geolocation"]
# The address of the person who handles security reports (`mailto:…` or `https://…`), published at
# /.well-known/security.txt (RFC 9116). Unset, that page is a 404.
SECURITY_CONTACT = env_str("SECURITY_CONTACT")
# How many proxies (load balancer, CDN) in front of the app add to X-Forwarded-For. 0: the address the connection came
# from is the client's, and X-Forwarded-For is ignored (anyone can send one).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Rate limits per client network (an IPv4 address, or an IPv6 /64), counted in the database so that every app
# server shares them: (attempts, minutes). Sign-in counts the attempts that fail (passwords and codes), so a busy
# office behind one address is not stopped by its own successes; the others count every form that would act.
RATE_LIMITS = {
    "sign_in": (env_int("RATE_LIMIT_SIGN_IN", 20), 15),
    "password_reset": (env_int("RATE_LIMIT_PASSWORD_RESET", 5), 60),
    "sign_up": (env_int("RATE_LIMIT_SIGN_UP", 5), 60),
    "invitation": (env_int("RATE_LIMIT_INVITATION", 10), 60),
    "shortlist_share": (env_int("RATE_LIMIT_SHORTLIST_SHARE", 30), 60),
    "shortlist_email": (env_int("RATE_LIMIT_SHORTLIST_EMAIL", 5), 60),
    "problem_report": (env_int("RATE_LIMIT_PROBLEM_REPORT", 10), 60),
    "enquiry": (env_int("RATE_LIMIT_ENQUIRY", 5), 60),
}
# Two-factor sign-in (TOTP) for council staff and superusers. Required in production unless turned off: staff
# approve what the public sees and manage who may refer; in development the demo accounts sign in with a password.
REQUIRE_TWO_FACTOR_FOR_STAFF = env_bool("REQUIRE_TWO_FACTOR_FOR_STAFF", default=PRODUCTION)
TWO_FACTOR_PENDING_MINUTES = 5  # how long the code page waits after a right password
TWO_FACTOR_BACKUP_CODES = 10
# django-otp keeps the devices and checks the codes; our lockout and network rate limit count wrong codes, so its own
# per-device back-off is off (it would also call a right code typed a second after a wrong one "not right"). A code is
# accepted one step either side of now and no further (no drift learned from past codes), and the admin never shows
# a key or a backup code's hash.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_SYNC = False
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Accounts: people sign in with their email address (accounts/services.py); passwords are hashed with Argon2
# (the others are listed only to read older hashes, which Django upgrades to Argon2 at the next sign-in).
AUTHENTICATION_BACKENDS = ["accounts.services.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["email", "first_name"]}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds a request waits on the mail server before giving up: a server that accepts and then hangs must not hold a
# worker until TCP gives up.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 5)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Outgoing messages (core/notifications.py): each is written to the database in the same transaction as the change
# that causes it, and a worker (`manage.py procrastinate worker`, docs/deployment.md) sends it, trying again after
# MESSAGE_RETRY_FIRST_SECONDS, then twice as long each time up to MESSAGE_RETRY_LONGEST_MINUTES apart, until
# MESSAGE_RETRY_HOURS have passed; then it is marked failed, counted in /healthz and shown to council staff.
MESSAGE_RETRY_FIRST_SECONDS = env_int("MESSAGE_RETRY_FIRST_SECONDS", 30)
MESSAGE_RETRY_LONGEST_MINUTES = env_int("MESSAGE_RETRY_LONGEST_MINUTES", 60)
MESSAGE_RETRY_HOURS = env_int("MESSAGE_RETRY_HOURS", 24)
MESSAGES_KEPT_DAYS = env_int("MESSAGES_KEPT_DAYS", 30)  # then the record of a sent or failed message is deleted
# How emails leave: "smtp" (Django's EMAIL_BACKEND above: the console in development) or "notify" (GOV.UK Notify).
# Text messages always go through Notify. With Notify, each kind of message uses the template whose id is in
# NOTIFY_TEMPLATE_<KIND> (NOTIFY_TEMPLATE_EMAIL for any email kind without its own); docs/deployment.md lists the
# kinds and their personalisation fields.
NOTIFICATIONS_TRANSPORT = env_str("NOTIFICATIONS_TRANSPORT", "smtp")
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = env_int("NOTIFY_TIMEOUT", 5)  # seconds, like EMAIL_TIMEOUT
NOTIFY_TEMPLATES = {
    name.removeprefix("NOTIFY_TEMPLATE_").lower(): value
    for name, value in os.environ.items()
    if name.startswith("NOTIFY_TEMPLATE_") and value
}
if NOTIFICATIONS_TRANSPORT not in {"smtp", "notify"}:
    raise RuntimeError(f"NOTIFICATIONS_TRANSPORT must be smtp or notify, not {NOTIFICATIONS_TRANSPORT!r}")
if NOTIFICATIONS_TRANSPORT == "notify" and not NOTIFY_API_KEY:
    raise RuntimeError("NOTIFICATIONS_TRANSPORT=notify needs NOTIFY_API_KEY")
# The worker's tasks are in core/notifications.py; no other module is searched for them. A job that succeeded is
# deleted at once (the message's row is the record); failed ones go after MESSAGES_KEPT_DAYS.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
PROCRASTINATE_IMPORT_PATHS = ["core.notifications"]
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}

# Logs: in production, JSON lines on standard output (core/logs.py), one a request from `directory.requests`
# (core/middleware.py: time, request id, method, path, parameters without personal values, status, duration,
# user id); in development, plain text on standard error. /healthz is left out of the request log while healthy, and
# is never redirected to HTTPS, so that a load balancer can ask it over plain HTTP.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "filters": {"database_unavailable": {"()": "core.logs.DatabaseUnavailableFilter"}},
    "handlers": {
        "console": (
            {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
            if PRODUCTION
            else {"class": "logging.StreamHandler"}
        )
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "django.request": {"filters": ["database_unavailable"]},
        "procrastinate.blueprints": {"level": "WARNING"},  # what it registers, at every start
        "procrastinate.periodic": {"level": "WARNING"},
    },
}
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The directory's own rules.
SEARCH_DISTANCES_MILES = [1, 3, 5, 10, 20]
SEARCH_DEFAULT_DISTANCE_MILES = 5
SEARCH_NEAREST_MILES = 30  # when nothing is within the distance chosen, the nearest within this
SEARCH_NEAREST_COUNT = 5
RESULTS_PER_PAGE = env_int("RESULTS_PER_PAGE", 20)
CAPACITY_STALE_AFTER_DAYS = env_int("CAPACITY_STALE_AFTER_DAYS", 60)
# The service page's small map: map tiles from this address ("https://tile.example.org/{z}/{x}/{y}.png", Leaflet's
# placeholders), credited with this attribution (HTML, as the tile provider asks for it). Unset: no map, and the
# Content-Security-Policy allows no outside images (core/security.py).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
SHORTLIST_MAX_SERVICES = 50
REVIEW_INTERVAL_DAYS = env_int("REVIEW_INTERVAL_DAYS", 365)
REVIEW_OVERDUE_HIDDEN_AFTER_DAYS = env_int("REVIEW_OVERDUE_HIDDEN_AFTER_DAYS", 90)
INSURANCE_WARNING_DAYS = env_int("INSURANCE_WARNING_DAYS", 30)
# The "my listing is still correct" link in a review reminder works this long (and once).
REVIEW_CONFIRMATION_LINK_DAYS = env_int("REVIEW_CONFIRMATION_LINK_DAYS", 30)
# The checks a type of support needs before staff approve it without giving a reason, over the table in
# enterprises/checks.py: "peer-support=safeguarding; home-care=insurance,dbs,safeguarding,cqc; *=insurance".
CHECKS_NEEDED = env_str("CHECKS_NEEDED", "")
SIGN_IN_LOCKOUT_FAILURES = 5
SIGN_IN_LOCKOUT_MINUTES = 15
SIGN_IN_ATTEMPTS_KEPT_DAYS = env_int("SIGN_IN_ATTEMPTS_KEPT_DAYS", 30)
INVITATION_VALID_DAYS = 14
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Referrals: a referral nobody has answered after this many working days is flagged to the referrer and the provider
# is reminded once; the personal details of a closed referral are erased this many months after it closed.
REFERRAL_NO_RESPONSE_WORKING_DAYS = env_int("REFERRAL_NO_RESPONSE_WORKING_DAYS", 5)
# Working days are Monday to Friday less the bank holidays of this part of the UK (core/dates.py).
BANK_HOLIDAYS = env_str("BANK_HOLIDAYS", "england-and-wales")
if BANK_HOLIDAYS not in {"england-and-wales", "scotland", "northern-ireland"}:
    raise RuntimeError(f"BANK_HOLIDAYS must be england-and-wales, scotland or northern-ireland, not {BANK_HOLIDAYS!r}")
REFERRAL_RETENTION_MONTHS = env_int("REFERRAL_RETENTION_MONTHS", 12)
# A closed enquiry about starting a micro-enterprise (started, or not going ahead) keeps the person's details this long.
ENQUIRY_RETENTION_MONTHS = env_int("ENQUIRY_RETENTION_MONTHS", 12)
# The search record (nothing personal in it) is kept for the reports' 24 months, and one more.
SEARCH_RECORD_RETENTION_MONTHS = env_int("SEARCH_RECORD_RETENTION_MONTHS", 25)
# A searched word reaches the reports once this many different visitors, on this many different days, searched it.
SEARCH_WORDS_MIN_VISITORS = env_int("SEARCH_WORDS_MIN_VISITORS", 3)
# Where a referrer goes instead, shown before every referral: for emergencies, and for safeguarding concerns.
SAFEGUARDING_ADULTS_CONTACT = env_str(
    "SAFEGUARDING_ADULTS_CONTACT", "the council’s adult social care front door (its number is on the council’s website)"
)
SAFEGUARDING_CHILDREN_CONTACT = env_str(
    "SAFEGUARDING_CHILDREN_CONTACT",
    "the council’s children’s services front door (its number is on the council’s website)",
)
