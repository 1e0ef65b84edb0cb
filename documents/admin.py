from django.contrib import admin

from documents.models import (
    DocumentTemplate,
    DocumentType,
    IssuedDocument,
    NumberingSeries,
    VerificationCheck,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "classification", "numbering_series_key", "issuer_level"]
    list_filter = ["issuer_level", "is_active"]
    search_fields = ["code", "name", "name_en"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the documents services; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(_ReadOnlyAdmin):
    """Read-only: templates are edited on the template pages (documents:template_list), which
    save a new version through ``services.save_template`` and check the placeholders."""

    list_display = ["document_type", "version", "is_active", "created_by", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["document_type__code", "document_type__name"]


@admin.register(NumberingSeries)
class NumberingSeriesAdmin(_ReadOnlyAdmin):
    list_display = ["office_code", "series_key", "year", "last_number"]
    search_fields = ["office_code", "series_key"]
    list_filter = ["year"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(_ReadOnlyAdmin):
    list_display = ["number", "document_type", "office_name", "issued_at", "revoked_at"]
    search_fields = ["number", "office_code"]
    list_filter = ["is_external", "year"]
    exclude = ["verification_token"]


@admin.register(VerificationCheck)
class VerificationCheckAdmin(_ReadOnlyAdmin):
    list_display = ["at", "token_hash_prefix", "result", "ip_address"]
    list_filter = ["result"]
