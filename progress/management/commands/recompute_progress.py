from django.core.management.base import BaseCommand

from progress.services import progress_recompute


class Command(BaseCommand):
    help = "Recompute every regional value and rating from the approved observations."

    def handle(self, *args, **options):
        run = progress_recompute()
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Recomputed {run.n_parts} parts in {seconds:.1f} s."))
