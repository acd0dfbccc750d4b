FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The CJK font for statements, gettext for compilemessages, WeasyPrint's runtime libraries,
# and procps for the beat healthcheck's pgrep.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-wqy-microhei gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# DEBUG=true for these two steps only: they need settings, not keys.
RUN DEBUG=true python manage.py collectstatic --noinput --verbosity 0 \
    && if [ -n "$(find . -path '*/locale/*.po' -print -quit)" ]; then \
        DEBUG=true python manage.py compilemessages --verbosity 0; \
    fi

RUN useradd --system --uid 10001 --home-dir /app app && mkdir -p /app/media && chown app /app/media
USER app

EXPOSE 8000
# Workers, timeout and access log: config/gunicorn.py (WEB_CONCURRENCY, WEB_TIMEOUT).
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
