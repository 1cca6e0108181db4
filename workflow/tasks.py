"""Celery tasks of the workflow: thin, safe to run twice."""

import datetime

from celery import shared_task

from workflow.notifications import deadline_reminders


@shared_task
def reporting_deadline_reminders() -> int:
    return deadline_reminders(today=datetime.date.today())


@shared_task
def weekly_digest() -> int:
    from workflow.digest import digest_send

    return digest_send(today=datetime.date.today())
