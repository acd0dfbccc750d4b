"""Logging that never writes an identity number: one filter, on every handler we configure.

settings.LOGGING puts `IdNumberFilter` on each of its handlers; gunicorn, which sets up its own
loggers before Django loads, is pointed at `GUNICORN_LOGCONFIG_DICT` (its `logconfig_dict`).
"""
import logging
from urllib.parse import unquote

from heating.identity import mask_id_numbers_in


def _masked(text: str) -> str:
    """`text` masked, and written URL-decoded if only decoding shows a number: a path or query
    may percent-encode one (full-width digits, or `%20` glued in front of the digits)."""
    masked = mask_id_numbers_in(text)
    decoded = unquote(masked)
    redone = mask_id_numbers_in(decoded)
    return redone if redone != decoded else masked


class IdNumberFilter(logging.Filter):
    """Masks ID-shaped numbers in a record's message, its arguments and its traceback.

    The message is formatted here, once, when it holds a number, because an argument of any type
    (a request line, an exception, gunicorn's dict of access-log atoms) may carry one.
    """

    def filter(self, record):
        message = record.getMessage()
        masked = _masked(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _masked(record.exc_text)
        if record.stack_info:
            record.stack_info = _masked(record.stack_info)
        return True


# gunicorn merges this over its own defaults key by key, so each key is given whole: its access
# line (request line, path, query, referer) and its error log pass through the filter.
GUNICORN_LOGCONFIG_DICT = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"id_numbers": {"()": "config.logging.IdNumberFilter"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["id_numbers"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["id_numbers"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}

