from django import template

from services.requirements import requirement_label

register = template.Library()


@register.filter(name="requirement")
def requirement(text: str) -> str:
    """``{{ item|requirement }}``: a required document's name in the current language."""
    return requirement_label(text or "")
