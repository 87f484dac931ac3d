"""Logs as JSON lines, one object a line, for production (settings.LOGGING): what a log collector reads best.

The request log (`directory.requests`, core/middleware.py) already writes its line as JSON and marks the record
with `json_line`: that line is written as it is. Every other record becomes
{"time", "level", "logger", "message"} with "exception" (the traceback as text) when there is one.
"""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "json_line", False):
            return record.getMessage()
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        request = getattr(record, "request", None)  # django.request and django.security records carry it
        request_id = getattr(request, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        return json.dumps(line, default=str)


class DatabaseUnavailableFilter(logging.Filter):
    """On `django.request`: a request that failed because the database is away (core/middleware.py marks it)
    is logged as one warning without a traceback. Its request-log line says what the error was; during an outage
    a traceback for every request would bury everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        error = getattr(request, "database_error", None)
        if error:
            record.msg, record.args = "Database unavailable (%s): %s", (error, getattr(request, "path", ""))
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True
