"""Celery tasks: thin wrappers that pass ids and call the service. Safe to run twice."""

from celery import shared_task

from progress.services import progress_recompute


@shared_task(acks_late=True)
def ratings_recompute(part_ids: list[int] | None = None) -> dict:
    run = progress_recompute(part_ids=part_ids)
    return {"run": run.pk, "parts": run.n_parts, "full": run.full}
