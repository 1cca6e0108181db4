"""Rendering runs on a worker: the task gets a job id, the service claims the job and renders."""

from celery import shared_task


@shared_task(name="reports.tasks.report_render_task")
def report_render_task(job_id: int) -> str | None:
    from reports.services import render_job_run

    job = render_job_run(job_id=job_id)
    return None if job is None else job.status
