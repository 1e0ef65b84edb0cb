"""``{{ value|masked }}``: a NIK or No. KK with its middle hidden, for lists and reports."""

from django import template

from people.nik import mask_nik

register = template.Library()


@register.filter
def masked(value) -> str:
    return mask_nik(value) if value else ""
