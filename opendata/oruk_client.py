"""Reading another directory's Open Referral UK 3.0 API, for `manage.py import_directory --oruk URL`.

Only the command reads an API; the staff page takes a CSV file alone. An address typed into a web page would let
anyone with a staff account make our server fetch whatever it can reach (our own network included); the command is
run by someone who already has the server. Even so: only http(s), a few seconds' timeout per request, a size limit
on each answer, no redirect to another scheme, and at most `importer.MAX_ROWS` services.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from opendata.importer import MAX_ROWS, Row, SourceError, read_oruk_service

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
PER_PAGE = 100


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirected to an address that is not http(s)", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_HttpOnlyRedirects)


def _get(url: str):
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "directory-import"})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SourceError(f"{url} did not answer: {getattr(error, 'reason', error)}") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise SourceError(f"{url} answered with more than {MAX_RESPONSE_BYTES // 1024 // 1024} MB")
    try:
        return json.loads(body)
    except ValueError:
        raise SourceError(f"{url} did not answer with JSON") from None


def base_url(text: str) -> str:
    url = text.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError("The API's address must start http:// or https://")
    return url


def read_oruk(url: str) -> list[Row]:
    """Every service the API lists at /services, page by page, each read in full from /services/{id}."""
    url = base_url(url)
    ids, number = [], 1
    while True:
        page = _get(f"{url}/services?page={number}&per_page={PER_PAGE}")
        contents = page.get("contents") if isinstance(page, dict) else None
        if not isinstance(contents, list):
            raise SourceError(f"{url}/services is not an Open Referral UK list of services")
        ids += [item.get("id") for item in contents if isinstance(item, dict)]
        if len(ids) > MAX_ROWS:
            raise SourceError(f"The API lists more than {MAX_ROWS:,} services")
        if not contents or page.get("last_page") is True or number >= (page.get("total_pages") or number):
            break
        number += 1
    rows = []
    for service_id in ids:
        if not isinstance(service_id, str) or not service_id.strip():
            rows.append(Row(where="a service without an id", problems=["It has no id"]))
            continue
        try:
            rows.append(read_oruk_service(_get(f"{url}/services/{urllib.parse.quote(service_id.strip(), safe='')}")))
        except SourceError as error:
            rows.append(Row(where=f"id {service_id[:100]}", source_id=service_id, problems=[str(error)]))
    if not rows:
        raise SourceError(f"{url}/services lists no services")
    return rows
