"""The static files' storage in production (HASHED_STATIC): whitenoise's hashed, compressed copies, with the files our
JavaScript modules load rewritten to their hashed names too: their `import` statements (Django's
support_js_module_import_aggregation) and `new URL("./x", import.meta.url)`, which map.js uses for Leaflet's
stylesheet. Without that, app.js went on asking for `./govuk-frontend.min.js` and `./location.js` by their plain
names, which whitenoise serves with a 60-second cache, so a returning visitor's browser asked for them again; with
it, every file a page loads has a name that changes with its content and is cached for good (docs/deployment.md,
"Static files")."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

URL_FROM_MODULE = (
    r"""(?P<matched>new URL\(\s*["'](?P<url>\.{1,2}/[^"']+)["']\s*,\s*import\.meta\.url\s*\))""",
    """new URL("%(url)s", import.meta.url)""",
)


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("*.js", (URL_FROM_MODULE,)))
