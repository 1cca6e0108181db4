"""The upload task: pass the id, re-fetch, process. Acknowledged late and safe to run twice, so a
worker lost in the middle leaves the upload to be processed again, never half-imported."""

from celery import shared_task

from imports.models import Upload
from imports.services import upload_process


@shared_task(acks_late=True)
def upload_process_task(upload_id: int) -> str:
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None:
        return "missing"
    return upload_process(upload=upload).status
