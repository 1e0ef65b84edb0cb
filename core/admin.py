from django.contrib import admin

from core.models import AuditEntry, DayOff


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is written by core.audit.record only; the admin can read it, never edit."""

    list_display = ["at", "actor_label", "action", "target_type", "target_id", "summary"]
    search_fields = ["=action", "=target_id", "actor_label"]
    # Counting the whole trail (it grows with every record viewed) on each page is too slow.
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    """The regency's own days off, on top of national holidays; only the regent gets here."""

    list_display = ["date", "name"]
    date_hierarchy = "date"
