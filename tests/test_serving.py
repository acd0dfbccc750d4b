"""Serving: gunicorn's config file, the image, the compose stack, and the pinned runtime dependencies."""
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.py"
KEYS = {"SECRET_KEY": "a-production-key-of-its-own", "ID_NUMBER_KEY": "an-id-number-key-of-its-own"}
ID_NUMBER = "11010519491231002X"


def _gunicorn_settings(monkeypatch, **env):
    """config/gunicorn.py as gunicorn reads it (it skips names it does not know)."""
    for name in ("WEB_CONCURRENCY", "WEB_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(GUNICORN_CONFIG))
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config, namespace


def test_every_lower_case_name_in_the_config_file_is_a_gunicorn_setting(monkeypatch):
    config, namespace = _gunicorn_settings(monkeypatch)

    names = {n for n in namespace if n.islower() and not n.startswith("_") and n not in ("os", "sys")}
    assert names - set(config.settings) == set()


def test_gunicorn_runs_web_concurrency_workers(monkeypatch):
    config, _ = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="7", WEB_TIMEOUT="45")

    assert config.workers == 7
    assert config.timeout == 45


def test_without_web_concurrency_gunicorn_runs_two_workers_a_cpu_and_one(monkeypatch):
    config, _ = _gunicorn_settings(monkeypatch)

    cpus = len(os.sched_getaffinity(0))
    assert config.workers == min(2 * cpus + 1, 12) > 1
    assert config.timeout == 30
    assert config.worker_class_str == "sync"


def test_the_access_log_leaves_out_query_strings_and_referrers(monkeypatch):
    config, _ = _gunicorn_settings(monkeypatch)

    access = config.logconfig_dict["loggers"]["gunicorn.access"]
    handlers = [config.logconfig_dict["handlers"][name] for name in access["handlers"]]
    assert handlers and all("id_numbers" in handler["filters"] for handler in handlers)
    assert "%(U)s" in config.access_log_format
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert leaky not in config.access_log_format


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(tmp_path, port, **env):
    # No REDIS_URL either: the healthcheck then needs no broker.
    dropped = ("DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL", "WEB_CONCURRENCY", *KEYS)
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "--bind", f"127.0.0.1:{port}",
         "config.wsgi"],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _get(url, deadline):
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_refuses_to_start_on_the_development_key(tmp_path):
    server = _gunicorn(tmp_path, _free_port(), DEBUG="false")
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        server.kill()

    assert server.returncode != 0
    assert "(config.E002) SECRET_KEY is the development key" in output
    assert "Booting worker" not in output


def test_gunicorn_serves_with_workers_and_logs_no_query_string(tmp_path):
    port = _free_port()
    server = _gunicorn(tmp_path, port, DEBUG="false", WEB_CONCURRENCY="2", **KEYS)
    try:
        status = _get(f"http://127.0.0.1:{port}/healthz?who={ID_NUMBER}", time.monotonic() + 60)
    finally:
        server.terminate()
        # A graceful stop waits for each worker (up to gunicorn's graceful timeout) on a busy machine.
        output, _ = server.communicate(timeout=90)

    assert status == 200
    assert output.count("Booting worker") == 2
    assert re.search(r'"GET /healthz HTTP/1\.1" 200 ', output), output
    assert ID_NUMBER not in output


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _default(value: str) -> str:
    """The default of a compose `${NAME:-default}` value."""
    match = re.fullmatch(r"\$\{(\w+):-([^}]*)\}", value)
    assert match, value
    return match.group(2)


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_the_compose_stack_turns_https_on(service):
    environment = _compose()["services"][service]["environment"]

    for name in ("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                 "SECURE_HSTS_PRELOAD", "SECURE_COOKIES"):
        assert _default(environment[name]) == "true", name
    assert int(_default(environment["SECURE_HSTS_SECONDS"])) >= 31536000
    # Behind the one TLS proxy the stack expects.
    assert _default(environment["TRUSTED_PROXY_COUNT"]) == "1"


def test_the_compose_healthcheck_probes_the_path_the_ssl_redirect_leaves_alone(settings):
    web = _compose()["services"]["web"]

    probe = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz'" in probe
    assert any(re.match(pattern, "healthz") for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_the_image_and_the_compose_stack_start_gunicorn_with_the_config_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE).group(1))
    web_command = _compose()["services"]["web"]["command"][-1]

    assert cmd == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    assert "exec gunicorn -c config/gunicorn.py config.wsgi" in web_command
    # No key of the repository's own is baked into the image's build.
    assert "SECRET_KEY=" not in dockerfile


# Used without being named in the code.
USED_IMPLICITLY = {
    "psycopg": "Django's PostgreSQL backend imports it",
    "drf-spectacular-sidecar": "serves the API docs' files (SWAGGER_UI_DIST = 'SIDECAR')",
}


def _runtime_requirements() -> list[str]:
    text = (ROOT / "requirements.txt").read_text()
    runtime = text.split("# Runtime", 1)[1].split("\n\n", 1)[0]
    return [re.split(r"[\[=]", line)[0] for line in runtime.splitlines() if line and not line.startswith("#")]


def test_every_pinned_runtime_dependency_is_used():
    """Imported, or named in a setting other than INSTALLED_APPS (listing an app is not using it)."""
    modules_of = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            modules_of.setdefault(dist.lower().replace("_", "-"), []).append(module)
    sources = [p.read_text() for d in ("config", "heating", "subsidy") for p in (ROOT / d).rglob("*.py")]
    sources += [(ROOT / "Dockerfile").read_text(), (ROOT / "docker-compose.yml").read_text()]
    text = re.sub(r"^INSTALLED_APPS = \[.*?^\]", "", "\n".join(sources), flags=re.MULTILINE | re.DOTALL)

    unused = []
    for requirement in _runtime_requirements():
        modules = modules_of[requirement.lower().replace("_", "-")]
        used = any(
            re.search(rf"^\s*(?:from|import)\s+{m}\b|[\"']{m}[.\"']", text, re.MULTILINE)
            for m in modules
        )
        if not used and requirement.lower() not in USED_IMPLICITLY:
            unused.append(requirement)
    assert unused == []


def test_collectstatic_post_processes_every_static_file(tmp_path, settings):
    """serve.sh and the image run collectstatic with the manifest storage, which refuses a file that
    names one missing (a vendored script's source map, say): the portal would not start."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert (tmp_path / "vendor" / "chart.umd.min.js").exists()
