"""Service markers and the Playwright browser; app fixtures live in tests/.

Tests marked `postgres`, `redis` or `browser` are skipped, with the reason, when their service is
absent, and listed at the end of the run. With REQUIRE_SERVICES=1 (CI) a missing service is an
error in the test's setup instead, so a full run can never pass by skipping.
"""
import os
import shutil
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings as hypothesis_settings

# Timing belongs in bench/, not in tests: no example fails for being slow on a busy machine.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVICE_MARKERS = ("postgres", "redis", "browser", "gettext")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SUMMARY_TITLE = "PostgreSQL/Redis/browser/gettext/tool-only tests skipped on this run:"

# Playwright's sync API keeps an event loop in the main thread, which makes Django refuse ORM
# calls from the test body while a live_server test drives the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@cache
def _missing(service: str) -> str | None:
    """Why `service` cannot be used on this run, or None when it can."""
    if service == "postgres":
        from django.db import connection

        if connection.vendor != "postgresql":
            return f"needs PostgreSQL, the default database is {connection.vendor} (set DATABASE_URL)"
        return None
    if service == "redis":
        from django.conf import settings

        url = getattr(settings, "REDIS_URL", "") or os.environ.get("REDIS_URL", "")
        if not url:
            return "needs Redis, REDIS_URL is not set"
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        except Exception as exc:
            return f"needs Redis, {_redact(url)} does not answer PING ({type(exc).__name__}: {exc})"
        finally:
            client.close()
        return None
    if service == "browser":
        if not os.access(CHROMIUM, os.X_OK):
            return f"needs Chromium, {CHROMIUM} is missing (apt-get install chromium)"
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            return f"needs Playwright, it does not import ({exc})"
        return None
    if service == "gettext":
        if shutil.which("xgettext") is None:
            return "needs GNU gettext's xgettext (apt-get install gettext)"
        return None
    raise ValueError(service)


def pytest_collection_modifyitems(items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    reasons = [
        reason
        for name in SERVICE_MARKERS
        if item.get_closest_marker(name) and (reason := _missing(name))
    ]
    reasons += [
        f"needs {marker.args[0]} (apt-get install -y {marker.args[1]})"
        for marker in item.iter_markers("tool")
        if not shutil.which(marker.args[0])
    ]
    if not reasons:
        return
    if _require_services():
        pytest.fail("REQUIRE_SERVICES=1 but this test " + "; ".join(reasons), pytrace=False)
    pytest.skip("; ".join(reasons))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (package.json, installed by `npm ci`) for the page tests' accessibility check.
    Its absence skips them, with the reason, like a missing service; under REQUIRE_SERVICES=1 it fails."""
    if not AXE.is_file():
        reason = f"needs axe-core, {AXE.relative_to(AXE.parents[2])} is missing (run `npm ci`)"
        if _require_services():
            pytest.fail("REQUIRE_SERVICES=1 but this test " + reason, pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple | list) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "workerinput"):
        return
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if any(name in report.keywords for name in (*SERVICE_MARKERS, "tool"))
    ]
    terminalreporter.write_line("")
    terminalreporter.write_line(SUMMARY_TITLE)
    if not skipped:
        terminalreporter.write_line("  none skipped")
    for report in sorted(skipped, key=lambda r: r.nodeid):
        terminalreporter.write_line(f"  {report.nodeid}  ({_skip_reason(report)})")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request in English must not leak into
    the next test run by the same process."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()
