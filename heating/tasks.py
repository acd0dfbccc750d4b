"""Celery tasks: thin, each takes ids (or nothing) and calls a service."""
from celery import shared_task
from django.utils import timezone

import heating.imports.jobs  # noqa: F401  each registers its job handler with the runner
import heating.services.notice_runs  # noqa: F401
import heating.services.season_totals  # noqa: F401
import heating.services.settlement_runs  # noqa: F401
from heating.imports.common import batch_previews_expire
from heating.selectors.jobs import jobs_stalled
from heating.services.channel_refunds import channel_refunds_query as _channel_refunds_query
from heating.services.complaints import complaints_report_overdue
from heating.services.inbox import messages_email
from heating.services.jobs import job_run
from heating.services.lowincome import certificate_reminders_send
from heating.services.orders import orders_close_expired as _orders_close_expired
from heating.services.orders import orders_query_open as _orders_query_open


@shared_task
def imports_expire_previews() -> int:
    """On the beat schedule (config/celery.py): how many previews expired."""
    return len(batch_previews_expire())


@shared_task
def low_income_reminders() -> int:
    """On the beat schedule: households whose certificate runs out within 30 days, reminded once."""
    return len(certificate_reminders_send(today=timezone.localdate()))


@shared_task
def inbox_email(message_ids: list[int]) -> int:
    """Queued when a notifying transaction commits: e-mails its messages; how many e-mails were sent."""
    return messages_email(message_ids)


@shared_task
def jobs_run(job_id: int) -> str:
    """One worker's share of a job (heating.services.jobs); queue it again to add a worker."""
    return job_run(job_id).state


@shared_task
def jobs_resume_stalled() -> list[int]:
    """On the beat schedule: queue a run of every job whose workers died or whose task was lost."""
    stalled = jobs_stalled()
    for job_id in stalled:
        jobs_run.delay(job_id)
    return stalled


@shared_task
def orders_query_open() -> list[int]:
    """On the beat schedule: open orders whose notification never came, asked about; ids paid."""
    return _orders_query_open()


@shared_task
def orders_close_expired() -> list[int]:
    """On the beat schedule: orders never paid within the timeout, closed; their ids."""
    return _orders_close_expired()


@shared_task
def complaints_overdue() -> list[int]:
    """On the beat schedule: complaints past their deadline, reported once to the oversight bureaus."""
    return complaints_report_overdue()


def channel_refunds_query() -> list[int]:
    """On the beat schedule: refunds sent back through a provider, asked about; ids of the parts settled."""
    return _channel_refunds_query()
