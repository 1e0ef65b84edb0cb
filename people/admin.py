from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.audit import record
from people.models import Family, PopulationImport, PossibleDuplicate, Resident
from people.nik import mask_nik


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["full_name", "masked_nik", "sex", "birth_date", "village", "status"]
    list_select_related = ["village"]
    list_filter = ["status", "sex"]
    # "=" makes the NIK search exact, so it uses the unique index instead of scanning.
    search_fields = ["=nik", "=temp_id", "full_name"]
    autocomplete_fields = ["village"]
    raw_id_fields = ["family", "source_import"]
    readonly_fields = ["created_at", "updated_at"]
    # Counting a regency's 1.7 million rows on every list page is too slow.
    show_full_result_count = False

    @admin.display(description=_("NIK"), ordering="nik")
    def masked_nik(self, resident: Resident) -> str:
        return mask_nik(resident.nik) if resident.nik else (resident.temp_id or "")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        resident = self.get_object(request, object_id) if request.method == "GET" else None
        if resident is not None and response.status_code == 200:
            record(
                "people.resident.viewed",
                actor=request.user,
                target=resident,
                request=request,
                via="admin",
            )
        return response


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["masked_no_kk", "village", "address", "rt", "rw"]
    list_select_related = ["village"]
    search_fields = ["=no_kk"]
    autocomplete_fields = ["village"]
    raw_id_fields = ["head"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False

    @admin.display(description=_("No. KK"), ordering="no_kk")
    def masked_no_kk(self, family: Family) -> str:
        return mask_nik(family.no_kk)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(PopulationImport)
class PopulationImportAdmin(admin.ModelAdmin):
    """Imports are started by the import command or page; the admin only shows them."""

    list_display = [
        "file_name",
        "started_at",
        "status",
        "dry_run",
        "rows_read",
        "created",
        "updated",
        "rejected",
        "possible_duplicates",
    ]
    list_filter = ["status", "dry_run"]
    list_select_related = ["started_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    list_display = ["population_import", "line_number", "existing", "reason", "resolved"]
    list_filter = ["resolved"]
    list_select_related = ["population_import", "existing"]
    raw_id_fields = ["population_import", "existing"]
    readonly_fields = ["population_import", "line_number", "existing", "row_data", "reason"]

    def has_add_permission(self, request):
        return False
