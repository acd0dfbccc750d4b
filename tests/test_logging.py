"""No log line carries an identity number: not runserver's access log, not Django's, not gunicorn's."""
import datetime
import io
import logging
import threading
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
from django.utils.log import configure_logging

from config.logging import GUNICORN_LOGCONFIG_DICT, IdNumberFilter

NUMBER = "11010519491231002X"
MASK = "1101**********002X"
MISTYPED = "110105194912310021"  # wrong check digit: still never written


@pytest.fixture
def written():
    """What the handlers of settings.LOGGING write, read back as one text."""
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server"))
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")
    }
    assert handlers and all(any(isinstance(f, IdNumberFilter) for f in h.filters) for h in handlers)
    stream = io.StringIO()
    previous = {handler: _swap(handler, stream) for handler in handlers}
    yield stream.getvalue
    for handler, old in previous.items():
        _swap(handler, old)


def _swap(handler, stream):
    """The handler's stream replaced, the old one returned untouched: unlike setStream, no flush of a
    stream an earlier test's output capture may have closed since logging was configured."""
    with handler.lock:
        old, handler.stream = handler.stream, stream
    return old


@pytest.mark.parametrize("config", [settings.LOGGING, GUNICORN_LOGCONFIG_DICT], ids=["django", "gunicorn"])
def test_every_configured_handler_carries_the_filter(config):
    assert config["filters"]["id_numbers"] == {"()": "config.logging.IdNumberFilter"}
    assert [name for name, h in config["handlers"].items() if "id_numbers" not in h.get("filters", ())] == []


@pytest.fixture(scope="module")
def wsgi_app():
    """The project's WSGI application. Loading it runs django.setup(), which configures logging
    afresh, so it is module-scoped: set up before `written` looks up the handlers."""
    return get_internal_wsgi_application()


def test_runserver_writes_a_request_path_holding_a_number_masked(transactional_db, wsgi_app, written):
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(wsgi_app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/nowhere/{NUMBER}/?q={MISTYPED}"
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
    finally:
        thread.join(timeout=10)
        server.server_close()

    log = written()
    assert refused.value.code == 404
    assert f'"GET /nowhere/{MASK}/?q=1101**********0021 HTTP/1.1" 404' in log  # the access line
    assert f"Not Found: /nowhere/{MASK}/" in log  # django.request
    assert NUMBER not in log and MISTYPED not in log
    assert NUMBER[4:14] not in log


def test_a_number_in_any_argument_or_traceback_is_masked(written):
    log = logging.getLogger("heating.anything")
    try:
        raise ValueError(f"bad row {NUMBER}")
    except ValueError:
        log.exception("import of %s failed for %r", "customer", {"id": NUMBER.lower()})
    log.warning("plain %d%% message", 50)

    text = written()
    assert f"import of customer failed for {{'id': '{MASK.lower()}'}}" in text
    assert f"ValueError: bad row {MASK}" in text
    assert "plain 50% message" in text
    assert NUMBER[4:14] not in text


def test_full_width_digits_are_masked_too(written):
    full_width = NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))

    logging.getLogger("heating").error("查询 %s", full_width)

    assert full_width not in written()
    assert full_width[:4] + "*" * 10 + full_width[-4:] in written()


@pytest.mark.parametrize(
    "path",
    [
        f"/search/?q=%20{NUMBER}",  # an encoded space glued to the digits
        "/search/?q=" + "".join(f"%{b:02X}" for b in "１１０１０５１９４９１２３１００２Ｘ".encode()),
    ],
)
def test_a_percent_encoded_number_is_masked(written, path):
    logging.getLogger("django.server").info('"GET %s HTTP/1.1" %s %s', path, "404", "0")

    assert "1101**********002X" in written() or "１１０１**********００２Ｘ" in written()
    assert path not in written()


@pytest.fixture
def gunicorn_logger():
    """gunicorn's own logger class, set up from GUNICORN_LOGCONFIG_DICT as `logconfig_dict`."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("logconfig_dict", GUNICORN_LOGCONFIG_DICT)
    config.set("accesslog", "-")
    logger = Logger(config)
    stream = io.StringIO()
    for name in ("gunicorn.access", "gunicorn.error"):
        for handler in logging.getLogger(name).handlers:
            handler.setStream(stream)
    yield logger, stream
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_gunicorns_access_and_error_logs_write_numbers_masked(gunicorn_logger):
    logger, stream = gunicorn_logger
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/admin/heating/customer/?q={NUMBER}",
        "PATH_INFO": "/admin/heating/customer/",
        "QUERY_STRING": f"q={NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://portal.example/admin/?_changelist_filters=q%3D{NUMBER}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)

    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=5))
    logger.error("worker failed on %s", environ["RAW_URI"])

    text = stream.getvalue()
    assert f"GET /admin/heating/customer/?q={MASK} HTTP/1.1" in text
    assert f"_changelist_filters=q%3D{MASK}" in text
    assert f"worker failed on /admin/heating/customer/?q={MASK}" in text
    assert NUMBER not in text
