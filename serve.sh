#!/usr/bin/env bash
# Set up and serve the portal for development: ./serve.sh  (PORT=8000 by default)
# It listens on 127.0.0.1 only; HOST=0.0.0.0 ./serve.sh (or an IPv6 address) serves the network too.
set -euo pipefail
source "$(dirname "$0")/scripts/_venv.sh"

export DEBUG="${DEBUG:-true}"

python manage.py migrate --noinput
if command -v msgfmt >/dev/null 2>&1 && [ -n "$(find . -path ./.venv -prune -o -path '*/locale/*.po' -print -quit)" ]; then
    python manage.py compilemessages --ignore=.venv
fi
python manage.py collectstatic --noinput --verbosity 0
python manage.py seed_demo

if [ -n "${REDIS_URL:-}" ]; then
    echo
    echo "REDIS_URL is set, so tasks go to Redis. Start a worker in another terminal:"
    echo "    ${DATABASE_URL:+DATABASE_URL='$DATABASE_URL' }REDIS_URL='$REDIS_URL' .venv/bin/celery -A config worker -l info"
fi
host="${HOST:-127.0.0.1}"
case "$host" in
    *:*) [[ "$host" == \[* ]] || host="[$host]" ;;  # runserver takes IPv6 addresses in brackets
esac
echo
echo "Serving on http://$host:${PORT:-8000}/"
exec python manage.py runserver "$host:${PORT:-8000}"
