from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "region", "agency", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    list_select_related = ["region", "agency"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["region", "agency"]
    raw_id_fields = ["resident"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Peran dan wilayah tugas"),
            {"fields": ("role", "region", "agency", "resident", "phone")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "usable_password",
                    "password1",
                    "password2",
                    "role",
                    "region",
                    "agency",
                    "resident",
                ),
            },
        ),
    )
