from django.core.management.base import BaseCommand

from progress.quality import quality_run


class Command(BaseCommand):
    help = "Run the data-quality checks over every value and keep the warnings for the data-quality pages."

    def handle(self, *args, **options):
        found = quality_run()
        self.stdout.write(self.style.SUCCESS(f"{found} data-quality warnings."))
