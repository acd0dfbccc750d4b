"""Celery tasks: thin, each takes ids (or nothing) and calls a service."""
from celery import shared_task

from heating.imports.common import batch_previews_expire


@shared_task
def imports_expire_previews() -> int:
    """On the beat schedule (config/celery.py): how many previews expired."""
    return len(batch_previews_expire())
