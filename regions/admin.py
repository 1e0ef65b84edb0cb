from django.contrib import admin

from regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "postal_code"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["digits"]
