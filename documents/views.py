"""Public verification page, scoped PDF download, revocation and the template editor."""

from __future__ import annotations

import re
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.roles import Role
from core import audit
from documents import services
from documents.dates import page_datetime
from documents.forms import RevokeForm, TemplateForm, VerifyUploadForm, upload_limit
from documents.models import CheckResult, DocumentType, IssuedDocument
from documents.placeholders import STANDARD_PLACEHOLDERS

# Room for the multipart envelope around a file at the size limit.
_UPLOAD_OVERHEAD = 64 * 1024
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    """Say whether a document is genuine and unrevoked; compare an uploaded PDF with it.

    Shows no more than the document itself does: type, number, issuer, signer, date, the
    subject's name and masked NIK. An unknown token is a bare 404. An upload over the limit
    is refused from its Content-Length, before anything reads the body (which is why the CSRF
    check, which reads the form, runs in :func:`_verify` instead of on this view).
    """
    too_large = request.method == "POST" and (
        _content_length(request) > upload_limit() + _UPLOAD_OVERHEAD
    )
    return _verify(request, token, too_large=too_large)


def _verify(request, token: str, *, too_large: bool):
    document = services.verify_token(token)
    if document is None:
        services.record_check(
            token=token, document=None, result=CheckResult.NOT_FOUND, request=request
        )
        # Says only that no document has this code: nothing about any other document.
        return render(request, "documents/verify_not_found.html", status=404)
    if too_large:
        return _verify_page(request, document, token=token, too_large=True)
    return csrf_protect(_verify_page)(request, document, token=token, too_large=False)


def _verify_page(request, document: IssuedDocument, *, token: str, too_large: bool):
    form = VerifyUploadForm()
    file_matches = None
    upload_error = ""
    status = 200
    if request.method == "GET":
        result = CheckResult.REVOKED if document.is_revoked else CheckResult.GENUINE
    elif too_large:
        upload_error = _("Berkas terlalu besar: paling besar %(limit)s MB.") % {
            "limit": upload_limit() // (1024 * 1024)
        }
        result, status = CheckResult.FILE_REFUSED, 413
    else:
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            file_matches = services.verify_pdf_bytes(document, form.read_bytes())
            result = CheckResult.FILE_MATCH if file_matches else CheckResult.FILE_MISMATCH
        else:
            result, status = CheckResult.FILE_REFUSED, 400
    services.record_check(token=token, document=document, result=result, request=request)

    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "issued_at_text": page_datetime(document.issued_at),
            "revoked_at_text": page_datetime(document.revoked_at) if document.is_revoked else "",
            "form": form,
            "file_matches": file_matches,
            "upload_error": upload_error,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
def download(request, pk: int):
    """The issued PDF, for whoever may see the document (resident, family, the offices)."""
    document = get_object_or_404(
        IssuedDocument.objects.visible_to(request.user).select_related("document_type"),
        pk=pk,
        is_external=False,
    )
    try:
        data = services.read_pdf(document)
    except (services.DocumentError, FileNotFoundError) as error:
        raise Http404 from error
    audit.record(
        "documents.document.downloaded",
        actor=request.user,
        target=document,
        summary=document.number,
        request=request,
        about=document.subject_id,
    )
    name = _UNSAFE_FILE_CHARS.sub("-", f"{document.document_type.code}-{document.number}")
    return FileResponse(
        BytesIO(data),
        as_attachment=True,
        filename=f"{name.strip('-')}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    document = get_object_or_404(
        IssuedDocument.objects.visible_to(request.user), pk=pk, is_external=False
    )
    if not services.can_revoke(request.user, document):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_document(
                document, by=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except services.AlreadyRevoked as error:
            messages.error(request, str(error))
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request, _("Dokumen %(number)s telah dicabut.") % {"number": document.number}
            )
            return redirect("documents:revoke", pk=document.pk)
    return render(request, "documents/revoke.html", {"document": document, "form": form})


def _may_edit_templates(user) -> bool:
    return user.is_authenticated and (
        user.role == Role.REGENT or user.has_perm("documents.add_documenttemplate")
    )


@login_required
def template_list(request):
    if not _may_edit_templates(request.user):
        raise PermissionDenied
    types = DocumentType.objects.filter(is_active=True).prefetch_related("templates")
    rows = [
        (document_type, next((t for t in document_type.templates.all() if t.is_active), None))
        for document_type in types
    ]
    return render(request, "documents/template_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, code: str):
    if not _may_edit_templates(request.user):
        raise PermissionDenied
    document_type = get_object_or_404(DocumentType, code=code)
    current = document_type.templates.filter(is_active=True).first()
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.save_template(
                    document_type=document_type,
                    body=form.cleaned_data["body"],
                    created_by=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(
                    request,
                    _("Templat %(type)s versi %(version)s disimpan dan dipakai mulai sekarang.")
                    % {"type": document_type.name, "version": template.version},
                )
                return redirect("documents:template_edit", code=document_type.code)
    else:
        form = TemplateForm(initial={"body": current.body if current else ""})
    return render(
        request,
        "documents/template_edit.html",
        {
            "document_type": document_type,
            "current": current,
            "form": form,
            "placeholders": [
                (f"{{{name}}}", label) for name, label in STANDARD_PLACEHOLDERS.items()
            ],
            "versions": document_type.templates.order_by("-version")[:10],
        },
    )
