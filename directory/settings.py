"""One settings file, read from the environment with safe development defaults.

Set DJANGO_ENV=production for a real deployment: it turns off DEBUG and turns on every HTTPS protection.
"""

from pathlib import Path

import dj_database_url

from directory.embedded_db import embedded_database
from directory.env import env_bool, env_int, env_list, env_str

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
    "enterprises",
    "referrals",
    "directory",
]

MIDDLEWARE = [
    "directory.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "directory.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "directory.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

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
                "directory.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60)}
else:
    DATABASES = {"default": embedded_database(BASE_DIR / ".data")}
# Separate test databases let two test runs share one PostgreSQL server.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_directory")}

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
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("HASHED_STATIC", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
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

# Accounts: people sign in with their email address (enterprises/accounts.py); passwords are hashed with Argon2
# (the others are listed only to read older hashes, which Django upgrades to Argon2 at the next sign-in).
AUTHENTICATION_BACKENDS = ["enterprises.accounts.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
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
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# The directory's own rules.
SEARCH_DISTANCES_MILES = [1, 3, 5, 10, 20]
SEARCH_DEFAULT_DISTANCE_MILES = 5
RESULTS_PER_PAGE = env_int("RESULTS_PER_PAGE", 20)
CAPACITY_STALE_AFTER_DAYS = env_int("CAPACITY_STALE_AFTER_DAYS", 60)
SHORTLIST_MAX_SERVICES = 50
REVIEW_INTERVAL_DAYS = env_int("REVIEW_INTERVAL_DAYS", 365)
REVIEW_OVERDUE_HIDDEN_AFTER_DAYS = env_int("REVIEW_OVERDUE_HIDDEN_AFTER_DAYS", 90)
INSURANCE_WARNING_DAYS = env_int("INSURANCE_WARNING_DAYS", 30)
SIGN_IN_LOCKOUT_FAILURES = 5
SIGN_IN_LOCKOUT_MINUTES = 15
INVITATION_VALID_DAYS = 14
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Referrals: a referral nobody has answered after this many working days is flagged to the referrer and the provider
# is reminded once; the personal details of a closed referral are erased this many months after it closed.
REFERRAL_NO_RESPONSE_WORKING_DAYS = env_int("REFERRAL_NO_RESPONSE_WORKING_DAYS", 5)
REFERRAL_RETENTION_MONTHS = env_int("REFERRAL_RETENTION_MONTHS", 12)
# Where a referrer goes instead, shown before every referral: for emergencies, and for safeguarding concerns.
SAFEGUARDING_ADULTS_CONTACT = env_str(
    "SAFEGUARDING_ADULTS_CONTACT", "the council’s adult social care front door (its number is on the council’s website)"
)
SAFEGUARDING_CHILDREN_CONTACT = env_str(
    "SAFEGUARDING_CHILDREN_CONTACT", "the council’s children’s services front door (its number is on the council’s website)"
)
