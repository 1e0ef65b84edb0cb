"""Admin pages: programmes and the combination rules staff edit without code."""

from django.contrib import admin

from assistance.models import CombinationRule, Programme, WelfareStatus


class RuleInline(admin.TabularInline):
    model = CombinationRule
    fk_name = "programme"
    extra = 0
    filter_horizontal = ["others"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "unit", "active"]
    list_filter = ["level", "unit", "active"]
    search_fields = ["code", "name"]
    inlines = [RuleInline]


@admin.register(CombinationRule)
class CombinationRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "kind", "scope", "limit", "note", "active"]
    list_filter = ["kind", "scope", "active"]
    filter_horizontal = ["others"]


@admin.register(WelfareStatus)
class WelfareStatusAdmin(admin.ModelAdmin):
    list_display = ["category", "family", "resident", "village", "source", "recorded_at"]
    list_filter = ["category"]
    raw_id_fields = ["family", "resident"]
    autocomplete_fields = ["village"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
