"""bench/pages.py: the parts that decide whether its figures can be trusted, without a server of the
portal — wrk's answers other than 200 refuse the run, the activation form is filled as a resident
would, and the run refuses without PostgreSQL."""

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

from bench import pages

ROOT = Path(settings.BASE_DIR)
needs_wrk = pytest.mark.tool("wrk", "wrk")


class _Answers(http.server.BaseHTTPRequestHandler):
    """200 at /ok, a redirect to the sign-in page at /private, 404 anywhere else."""

    def do_GET(self):
        status = {"/ok": 200, "/private": 302}.get(self.path, 404)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/accounts/login/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "count.lua"
    path.write_text(pages.WRK_SCRIPT, encoding="utf-8")
    return str(path)


@needs_wrk
def test_wrk_gives_figures_when_every_answer_is_200(server, script):
    load = pages.load(server + "/ok", "sessionid=x", 1, script)

    assert load.requests > 10
    assert load.per_second > 10 and load.p95_ms > 0


@needs_wrk
@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/private", 302)])
def test_a_page_answering_anything_but_200_refuses_the_run(server, script, path, status):
    with pytest.raises(SystemExit, match=rf"responses were not 200 \(the first: {status}\)"):
        pages.load(server + path, "sessionid=x", 1, script)


ACTIVATION_PAGE = """<header><form action="/i18n/setlang/" method="post">
<input type="hidden" name="csrfmiddlewaretoken" value="t"><select name="language"></select></form></header>
<main><form method="get"><input name="q"></form>
<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
<input name="company" value="BENCH-PAGES"><input name="account"><input name="code" value="ABCD2345">
<input type="tel" name="mobile"><input type="password" name="password1">
<input type="password" name="password2">
<label><input type="checkbox" name="remember"></label><button type="submit">激活</button></form></main>"""


def test_the_activation_form_is_filled_as_a_resident_would():
    form = pages.FormFields()
    form.feed(ACTIVATION_PAGE)

    data = pages.activation_data(form.fields, "BENCH-PAGES", "9900001", "ABCD2345")

    assert data == {
        "csrfmiddlewaretoken": "t",
        "company": "BENCH-PAGES",
        "account": "9900001",
        "code": "ABCD2345",
        "mobile": pages.PHONE,
        "password1": pages.PASSWORD,
        "password2": pages.PASSWORD,
    }


def test_the_run_refuses_without_postgresql(tmp_path):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "bench/pages.py", "--seconds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert run.returncode == 1
    refusal = "PostgreSQL" if os.access(pages.WRK, os.X_OK) else "needs wrk"
    assert refusal in run.stderr and "pages: bill" not in run.stdout
