"""Celery tasks: thin wrappers that pass ids and call the service. Safe to run twice."""

from celery import shared_task

from progress.services import progress_recompute, recompute_pending


@shared_task(acks_late=True)
def ratings_recompute(part_ids: list[int] | None = None) -> dict:
    run = progress_recompute(part_ids=part_ids)
    return {"run": run.pk, "parts": run.n_parts, "full": run.full}


@shared_task(acks_late=True)
def ratings_recompute_pending() -> int:
    """Serve the stored recompute requests (after approvals); safe to run twice or together."""
    return recompute_pending()


@shared_task(acks_late=True)
def quality_check(part_ids: list[int] | None = None) -> int:
    """Run the data-quality checks over the parts (all when None); safe to run twice."""
    from progress.quality import quality_run

    return quality_run(part_ids=part_ids)
