from django import template

from api.docs import asset_url

register = template.Library()


@register.simple_tag
def docs_asset(name: str) -> str:
    return asset_url(name)
