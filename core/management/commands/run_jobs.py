import logging
import time

from django.core.management.base import BaseCommand

from core.jobs import run_pending, schedule_periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run queued background jobs (imports, matching, batch documents) and queue the periodic "
        "ones of PERIODIC_JOBS. Loops until stopped; several can run at once, each job is "
        "claimed by one of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")

    def handle(self, *args, once, interval, **options):
        if once:
            schedule_periodic()
            ran = run_pending()
            self.stdout.write(f"{ran} job(s) run.")
            return
        logger.info("Job runner started, polling every %.1f s", interval)
        try:
            while True:
                schedule_periodic()
                if not run_pending():
                    time.sleep(interval)
        except KeyboardInterrupt:
            logger.info("Job runner stopped")
