# Sourced by serve.sh and test.sh: make .venv, install requirements.txt when it changed, activate.
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is missing. On Debian 12: apt-get install -y python3 python3-venv" >&2
    exit 1
fi

if ! [ -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    echo "Creating .venv ..."
    rm -rf .venv
    if ! python3 -m venv .venv; then
        rm -rf .venv
        echo "python3 -m venv failed: Python's venv module is missing." >&2
        echo "On Debian 12: apt-get install -y python3-venv   (then run this again)" >&2
        exit 1
    fi
fi

_requirements_hash="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$_requirements_hash" ]; then
    echo "Installing requirements.txt into .venv ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$_requirements_hash" > .venv/.requirements.sha256
fi
unset _requirements_hash

export VIRTUAL_ENV="$PWD/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
