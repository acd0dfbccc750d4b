import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("heating_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every quarter hour, so a preview's kept file outlives IMPORT_PREVIEW_HOURS by 15 minutes at most.
    "imports-expire-previews": {
        "task": "heating.tasks.imports_expire_previews",
        "schedule": crontab(minute="*/15"),
    },
    # A job whose worker was killed carries on once its claims are older than JOB_LEASE_SECONDS.
    # Households whose low-income certificate runs out within 30 days (heating.services.lowincome).
    "low-income-reminders": {
        "task": "heating.tasks.low_income_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Orders whose notification never came, asked about; orders never paid, closed (heating.services.orders).
    "orders-query-open": {
        "task": "heating.tasks.orders_query_open",
        "schedule": crontab(minute="*"),
    },
    "orders-close-expired": {
        "task": "heating.tasks.orders_close_expired",
        "schedule": crontab(minute="*/5"),
    },
    # Complaints past their answer deadline, reported to the public-utilities administration once
    # (heating.services.complaints); a leak's deadline is 4 hours, so a quarter hour late at most.
    "complaints-overdue": {
        "task": "heating.tasks.complaints_overdue",
        "schedule": crontab(minute="*/15"),
    },
    # Refunds sent back through a provider settle there later (heating.services.channel_refunds).
    "channel-refunds-query": {
        "task": "heating.tasks.channel_refunds_query",
        "schedule": crontab(minute="*/2"),
    },
    "jobs-resume-stalled": {
        "task": "heating.tasks.jobs_resume_stalled",
        "schedule": crontab(minute="*/5"),
    },
}
