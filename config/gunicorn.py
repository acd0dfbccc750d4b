"""gunicorn's settings for the image and the compose stack: `gunicorn -c config/gunicorn.py config.wsgi`.

Several sync workers (WEB_CONCURRENCY, by default 2 × CPUs + 1), each killed and replaced when a
request holds it past WEB_TIMEOUT seconds. Before it binds, the master runs Django's system checks, so
a production server with a missing or development key (config/checks.py) never starts.
"""
import os
import sys

from config.logging import GUNICORN_LOGCONFIG_DICT

# The CPUs this process may run on (a container's cpuset, not the host's count).
CPUS = len(os.sched_getaffinity(0))
# Past a dozen, memory and PostgreSQL's 100 connections run out before the CPUs do.
MAX_DEFAULT_WORKERS = 12

bind = ["0.0.0.0:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * CPUS + 1, MAX_DEFAULT_WORKERS))
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
# The workers' heartbeat files: in memory, as a container's /tmp may sit on a slow overlay.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Unused, and its default place (~/.gunicorn) is not writable by the image's user.
control_socket_disable = True

# The path without its query string (%(U)s, not %(r)s or %(q)s) and no referrer: queries and
# referring URLs can carry identity numbers (an admin search, say).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
# gunicorn's loggers (gunicorn.error to stderr, gunicorn.access to stdout) with the portal's filter
# that masks identity numbers.
logconfig_dict = GUNICORN_LOGCONFIG_DICT


def on_starting(server):
    """Refuse to start on errors from Django's system checks (as `manage.py check` would)."""
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    try:
        call_command("check")
    except SystemCheckError as error:
        server.log.error("%s", error)
        sys.exit(1)
