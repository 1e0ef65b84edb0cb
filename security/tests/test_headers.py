"""The Content-Security-Policy holds without inline script or style anywhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# An opening <script> tag without a src attribute, an inline event handler, or a style
# attribute: each needs 'unsafe-inline', which the policy does not give.
# (A JSON data block, type="application/json", is not run and needs nothing.)
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def _project_templates():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.glob("**/templates/**/*.html")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            yield path


@pytest.mark.parametrize(
    "path", list(_project_templates()), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_needs_unsafe_inline(path):
    text = path.read_text(encoding="utf-8")
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("inline event handler", EVENT_HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
    ]:
        found = pattern.search(text)
        assert found is None, f"{name} in {path.name}: {found.group(0)[:80]}"


@pytest.mark.django_db
def test_pages_carry_the_policy_and_the_other_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
