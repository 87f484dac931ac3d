"""The static files' storage in production (HASHED_STATIC): whitenoise's hashed, compressed copies, with the
`import` statements of our JavaScript modules rewritten to the hashed names too. Without that, app.js went on asking
for `./govuk-frontend.min.js` and `./location.js` by their plain names, which whitenoise serves with a 60-second
cache, so a returning visitor's browser asked for them again; with it, every file a page loads has a name that
changes with its content and is cached for good (docs/deployment.md, "Static files")."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
