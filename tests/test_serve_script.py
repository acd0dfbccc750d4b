"""serve.sh listens on 127.0.0.1 unless HOST says otherwise."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Stands in for scripts/_venv.sh: no virtualenv, a `python` that only notes how it was called.
FAKE_VENV = """cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/bin:$PATH"
"""
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/../calls"
"""


def _serve(tmp_path, **env) -> list[str]:
    shutil.copy(ROOT / "serve.sh", tmp_path / "serve.sh")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "_venv.sh").write_text(FAKE_VENV)
    (tmp_path / "bin").mkdir()
    python = tmp_path / "bin" / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "REDIS_URL")}
    result = subprocess.run(
        ["bash", str(tmp_path / "serve.sh")], env={**clean, **env}, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return [result.stdout, *(tmp_path / "calls").read_text().splitlines()]


def test_it_serves_on_the_loopback_address_by_default(tmp_path):
    output, *calls = _serve(tmp_path)

    assert calls[-1] == "manage.py runserver 127.0.0.1:8000"
    assert "Serving on http://127.0.0.1:8000/" in output


@pytest.mark.parametrize(
    ("host", "port", "addrport"),
    [("0.0.0.0", "9000", "0.0.0.0:9000"), ("::", "8000", "[::]:8000"), ("[::1]", "8001", "[::1]:8001")],
)
def test_host_and_port_say_where_else(tmp_path, host, port, addrport):
    output, *calls = _serve(tmp_path, HOST=host, PORT=port)

    assert calls[-1] == f"manage.py runserver {addrport}"
    assert f"Serving on http://{addrport}/" in output
