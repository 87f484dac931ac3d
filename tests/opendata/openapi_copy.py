"""The project's copy of the Open Referral UK profile's OpenAPI file (opendata/openapi/), for tests that must not
depend on ../shared or on the internet: its files are registered in memory under a made-up address, so every `$ref`
resolves offline, and responses are checked against them with formats (uuid, uri, email, date-time) enforced."""

import functools
import json
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

FOLDER = Path(settings.BASE_DIR) / "opendata" / "openapi"
OPENAPI = FOLDER / "oruk-uk-3.0.json"
# The profile as published, where the workplace has it beside the project (CI does not): what the copy was made from.
PROFILE = Path(settings.BASE_DIR).parent / "shared" / "standards" / "oruk-uk-3.0" / "schema"
# Where the copy's files are registered: `.invalid` names no host (RFC 2606), so nothing could ever be fetched.
ADDRESS = "https://oruk-copy.invalid/"


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def registry() -> Registry:
    return Registry().with_resources(
        (ADDRESS + path.relative_to(FOLDER).as_posix(), DRAFT202012.create_resource(load(path)))
        for path in sorted(FOLDER.rglob("*.json"))
    )


def response_schema(path: str) -> str:
    """The address of the 200 response's schema of `GET path` (as the OpenAPI file writes the path)."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"{ADDRESS}{OPENAPI.name}#/paths/{escaped}/get/responses/200/content/application~1json/schema"


def schema_file(name: str) -> str:
    """The address of one of the profile's JSON Schemas in the copy, such as `phone.json`."""
    return f"{ADDRESS}schema/{name}"


def schema_errors(instance, address: str) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": address}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def errors(instance, path: str) -> list[str]:
    """What in `instance` the 200 response of `GET path` may not hold."""
    return schema_errors(instance, response_schema(path))
