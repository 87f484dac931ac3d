"""What the listings give every template (core/jinja2.py reads GLOBALS): `checks_told(enterprise, services)`, the
lines a public page says about the council's checks (enterprises/checks.py)."""

from enterprises.checks import checks_told

GLOBALS = {"checks_told": checks_told}
