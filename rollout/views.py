"""Pages of the rollout (readiness checklist, stages, services per stage) and of the
monitoring-and-evaluation questionnaires. Villages and rounds outside the user's scope answer
404; roles with no part in them 403."""

import functools

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.views import keyset_page
from economy.exports import export_response, requested_format
from regions.models import Region
from rollout import forms, services
from rollout.models import QuestionKind, Questionnaire, Response, Stage, Standard

PAGE_SIZE = 50


def staff_with_scope(view):
    """Regent, district and village staff (each within their region)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.may_see_results(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --------------------------------------------------------------------------- rollout


@staff_with_scope
def overview(request):
    """The rollout on one page: every village in scope, its stage and readiness score."""
    groups, totals = services.rollout_overview(request.user)
    fmt = requested_format(request)
    if fmt:
        rows = (
            (g.district.name, v.code, v.name, v.stage_label, v.score)
            for g in groups
            for v in g.villages
        )
        return export_response(
            fmt, "penerapan-desa", ("kecamatan", "kode_desa", "desa", "tahap", "skor"), rows
        )
    count = sum(totals.values()) or 1
    stages = [
        {
            "label": stage.label,
            "count": totals.get(stage.value, 0),
            "percent": round(100 * totals.get(stage.value, 0) / count),
        }
        for stage in Stage
    ]
    return render(
        request,
        "rollout/overview.html",
        {
            "groups": groups,
            "stages": stages,
            "may_set_stage": services.may_set_stage(request.user),
        },
    )


@staff_with_scope
def village_checklist(request, code: str):
    village = get_object_or_404(services.visible_villages(request.user), code=code)
    readiness = services.readiness_of(village)
    entries = {e.standard: e for e in readiness.entries.all()}
    may_edit = services.may_edit_checklist(request.user, village)
    form = forms.ChecklistForm(entries=entries, disabled=not may_edit)
    stage_form = forms.StageForm(initial={"stage": readiness.stage})
    if request.method == "POST":
        if request.POST.get("action") == "tahap":
            stage_form = forms.StageForm(request.POST)
            if not services.may_set_stage(request.user):
                raise PermissionDenied
            if stage_form.is_valid():
                try:
                    services.set_stage(
                        village, stage_form.cleaned_data["stage"], request.user, request=request
                    )
                except ValidationError as error:
                    stage_form.add_error("stage", error.message_dict["stage"])
                else:
                    messages.success(request, _("Tahap penerapan diperbarui."))
                    return redirect("rollout:village_checklist", village.code)
        else:
            if not may_edit:
                raise PermissionDenied
            form = forms.ChecklistForm(request.POST, entries=entries)
            if form.is_valid():
                met, notes = form.values()
                services.update_checklist(village, request.user, met, notes, request=request)
                messages.success(request, _("Daftar periksa tersimpan."))
                return redirect("rollout:village_checklist", village.code)
    rows = [
        {
            "standard": s,
            "field": form[s.value],
            "note": form[f"{s.value}__note"],
            "weight": services.WEIGHTS[s],
        }
        for s in Standard
    ]
    next_stages = [
        {
            "stage": stage,
            "missing": [Standard(m).label for m in services.missing_for_stage(readiness, stage)],
        }
        for stage in Stage
        if stage > readiness.stage
    ]
    return render(
        request,
        "rollout/checklist.html",
        {
            "village": village,
            "readiness": readiness,
            "form": form,
            "rows": rows,
            "may_edit": may_edit,
            "stage_form": stage_form,
            "may_set_stage": services.may_set_stage(request.user),
            "next_stages": next_stages,
        },
    )


@login_required
def service_stages(request):
    """Which stage switches each service on (regent only)."""
    from services.models import Service

    if not services.may_set_stage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = forms.ServiceStageForm(request.POST)
        if form.is_valid():
            service = get_object_or_404(Service, code=form.cleaned_data["service"])
            services.set_service_stage(
                service, form.cleaned_data["from_stage"], request.user, request=request
            )
            messages.success(request, _("Tersimpan."))
        return redirect("rollout:service_stages")
    catalogue = Service.objects.active().select_related("rollout").order_by("name")
    fmt = requested_format(request)
    if fmt:
        rows = (
            (s.code, s.name, Stage(s.rollout.from_stage).label if hasattr(s, "rollout") else "")
            for s in catalogue.iterator()
        )
        return export_response(fmt, "layanan-per-tahap", ("kode", "layanan", "aktif_mulai"), rows)
    page = keyset_page(request, catalogue, ordering=("name", "id"), size=PAGE_SIZE)
    for service in page.items:
        rule = getattr(service, "rollout", None)
        service.stage_form = forms.ServiceStageForm(
            initial={"service": service.code, "from_stage": rule.from_stage if rule else ""},
            prefix=f"s{service.pk}",
        )
    return render(request, "rollout/service_stages.html", {"page": page})


# --------------------------------------------------------------------------- questionnaires


@staff_with_scope
def questionnaire_list(request):
    builder = services.may_build_questionnaires(request.user)
    rounds = services.rounds_for(request.user).select_related("questionnaire")
    fmt = requested_format(request)
    if fmt:
        rows = (
            (r.pk, r.questionnaire.title, r.name, r.sent_at.date(), r.closed)
            for r in rounds.order_by("-id").iterator()
        )
        return export_response(
            fmt, "putaran-kuesioner", ("id", "kuesioner", "putaran", "dikirim", "ditutup"), rows
        )
    page = keyset_page(request, rounds, ordering=("-id",), size=PAGE_SIZE)
    answered = set()
    if services.may_answer(request.user):
        answered = set(
            Response.objects.filter(
                round__in=[r.pk for r in page.items], village_id=request.user.region_id
            ).values_list("round_id", flat=True)
        )
    return render(
        request,
        "rollout/questionnaire_list.html",
        {
            "page": page,
            "builder": builder,
            "answered": answered,
            "may_answer": services.may_answer(request.user),
            "questionnaires": Questionnaire.objects.order_by("-id")[:PAGE_SIZE] if builder else [],
        },
    )


def _question_initial(version) -> list[dict]:
    return [
        {
            "key": q.key,
            "text": q.text,
            "kind": q.kind,
            "choices": "\n".join(q.choices),
            "scale_max": q.scale_max,
            "required": q.required,
        }
        for q in version.questions.all()
    ]


@login_required
def questionnaire_new(request):
    if not services.may_build_questionnaires(request.user):
        raise PermissionDenied
    form = forms.QuestionnaireForm(request.POST or None)
    formset = forms.QuestionFormSet(request.POST or None, prefix="q")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            questionnaire = services.create_questionnaire(
                request.user,
                questions=forms.questions_from(formset),
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("rollout:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "rollout/questionnaire_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("Kuesioner baru"),
        },
    )


@login_required
def questionnaire_detail(request, pk: int):
    if not services.may_build_questionnaires(request.user):
        raise PermissionDenied
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    version = questionnaire.current_version
    villages = Region.objects.villages().select_related("parent").order_by("code")
    formset = forms.QuestionFormSet(initial=_question_initial(version), prefix="q")
    send_form = forms.SendRoundForm(villages=villages)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "kirim":
                send_form = forms.SendRoundForm(request.POST, villages=villages)
                if send_form.is_valid():
                    data = send_form.cleaned_data
                    targets = None if data["everyone"] else list(data["villages"])
                    services.send_round(
                        questionnaire,
                        request.user,
                        name=data["name"],
                        villages=targets,
                        request=request,
                    )
                    messages.success(request, _("Kuesioner terkirim."))
                    return redirect("rollout:questionnaire_detail", questionnaire.pk)
            else:
                formset = forms.QuestionFormSet(request.POST, prefix="q")
                if formset.is_valid():
                    new = services.change_questions(
                        questionnaire,
                        request.user,
                        forms.questions_from(formset),
                        request=request,
                    )
                    messages.success(
                        request, _("Pertanyaan tersimpan sebagai versi %(n)s.") % {"n": new.number}
                    )
                    return redirect("rollout:questionnaire_detail", questionnaire.pk)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
    keys = list(version.questions.values_list("key", "text"))
    key = request.GET.get("banding") or (keys[0][0] if keys else "")
    return render(
        request,
        "rollout/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "version": version,
            "formset": formset,
            "send_form": send_form,
            "rounds": questionnaire.rounds.all(),
            "versions": questionnaire.versions.all(),
            "keys": keys,
            "key": key,
            "comparison": services.compare_rounds(questionnaire, request.user, key) if key else [],
        },
    )


def _answer_form(questions, initial):
    fields = {}
    for q in questions:
        if q.kind == QuestionKind.SINGLE:
            field = django_forms.ChoiceField(
                choices=[(c, c) for c in q.choices], widget=django_forms.RadioSelect
            )
        elif q.kind == QuestionKind.MULTIPLE:
            field = django_forms.MultipleChoiceField(
                choices=[(c, c) for c in q.choices], widget=django_forms.CheckboxSelectMultiple
            )
        elif q.kind == QuestionKind.SCALE:
            field = django_forms.ChoiceField(
                choices=[(str(n), str(n)) for n in range(1, q.scale_max + 1)],
                widget=django_forms.RadioSelect,
            )
        else:
            field = django_forms.CharField(widget=django_forms.Textarea(attrs={"rows": 3}))
        field.label, field.required = q.text, q.required
        fields[q.key] = field
    form_class = type("AnswerForm", (django_forms.Form,), fields)
    return form_class(initial=initial)


@login_required
def round_answer(request, pk: int):
    if not services.may_answer(request.user):
        raise PermissionDenied
    round_ = get_object_or_404(
        services.rounds_for(request.user).select_related("questionnaire"), pk=pk
    )
    village = request.user.region
    version = services.version_for(round_, village)
    questions = list(version.questions.all())
    existing = Response.objects.filter(round=round_, village=village).first()
    initial = {}
    if existing:
        for answer in existing.answers.select_related("question"):
            q = answer.question
            initial[q.key] = (
                answer.choices
                if q.kind == QuestionKind.MULTIPLE
                else (answer.choices or [None])[0]
                if q.kind == QuestionKind.SINGLE
                else str(answer.number)
                if q.kind == QuestionKind.SCALE
                else answer.text
            )
    errors = []
    if request.method == "POST":
        raw = {q.key: request.POST.getlist(q.key) for q in questions}
        try:
            services.submit_answers(round_, request.user, raw, request=request)
        except ValidationError as error:
            errors = error.messages
            initial = {k: (v if len(v) != 1 else v[0]) for k, v in raw.items()}
        else:
            messages.success(request, _("Jawaban terkirim."))
            return redirect("rollout:questionnaire_list")
    return render(
        request,
        "rollout/round_answer.html",
        {
            "round": round_,
            "version": version,
            "form": _answer_form(questions, initial),
            "errors": errors,
            "existing": existing,
        },
    )


@staff_with_scope
def round_results(request, pk: int):
    round_ = get_object_or_404(
        services.rounds_for(request.user).select_related("questionnaire"), pk=pk
    )
    fmt = requested_format(request)
    if fmt:
        return export_response(
            fmt,
            f"kuesioner-{round_.pk}",
            services.EXPORT_HEADERS,
            services.export_rows(round_, request.user),
        )
    results = services.round_results(round_, request.user)
    return render(request, "rollout/round_results.html", {"round": round_, **results})
