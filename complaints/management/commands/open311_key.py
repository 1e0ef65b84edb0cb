"""Issue or revoke an Open311 API key. The key is printed once; only its hash is stored."""

from django.core.management.base import BaseCommand, CommandError

from complaints.models import Open311Key
from complaints.services import issue_open311_key


class Command(BaseCommand):
    help = "Issue (create NAME) or revoke (revoke PREFIX) an Open311 API key."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("value", help="client name (create) or key prefix (revoke)")

    def handle(self, *args, action, value, **options):
        if action == "create":
            key, raw = issue_open311_key(value)
            self.stdout.write(f"{key.name}: {raw}")
            return
        updated = Open311Key.objects.filter(prefix=value, is_active=True).update(is_active=False)
        if not updated:
            raise CommandError(f"No active key starts with {value}")
        self.stdout.write(f"revoked {updated}")
