"""Escalate overdue complaints; a scheduler (cron, systemd timer) runs this every 15 minutes."""

from django.core.management.base import BaseCommand

from complaints.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue complaints to the district head, then the regent."

    def handle(self, *args, **options):
        report = escalate_overdue()
        self.stdout.write(
            f"to_district_head={report.to_district_head} to_regent={report.to_regent} "
            f"auto_closed={report.auto_closed}"
        )
