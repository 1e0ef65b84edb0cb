"""Dashboards for the regent, the district heads and the village heads.

Every number comes from ``dashboards.Aggregate`` (refreshed in the background): a page view
runs a fixed handful of small queries whatever the size of the register.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from core.exports import csv_response, xlsx_response
from core.jobs import enqueue
from dashboards import presentation as p
from dashboards import services
from dashboards.labels import dimension_labels
from dashboards.models import Aggregate
from regions.models import Region


def _area_url(region) -> str:
    return reverse("dashboards:area", args=[region.code])


# Figures change only when a refresh finishes: a page is built once per area, map, language
# and refresh, then served from the cache until the next refresh.
CACHE_SECONDS = 15 * 60


@login_required
def dashboard(request, code: str | None = None):
    scope = services.scope_for(request.user, code)
    last_refresh = services.last_refresh()
    map_key = request.GET.get("peta", "overdue")
    if map_key not in p.MAP_METRICS:
        map_key = "overdue"
    key = "dashboard:{}:{}:{}:{}".format(
        scope.code or "regency",
        map_key,
        get_language(),
        last_refresh.pk if last_refresh else 0,
    )
    figures = cache.get(key)
    if figures is None:
        figures = _figures(scope, map_key)
        cache.set(key, figures, CACHE_SECONDS)
    context = {
        **figures,
        "scope": scope,
        "parent": _parent_link(request.user, scope),
        "last_refresh": last_refresh,
        "can_refresh": request.user.role == Role.REGENT,
        "fragment_key": key,
    }
    return render(request, "dashboards/dashboard.html", context)


def _figures(scope, map_key: str) -> dict:
    """Everything the page shows that depends only on the area and the stored figures."""
    totals = services.totals(scope)
    labels = dimension_labels()
    map_label, map_value = p.MAP_METRICS[map_key]

    children = services.children(scope)
    per_child = services.by_child(scope, p.AREA_METRICS)
    rows = []
    for region in children:
        figures = per_child.get(region.pk, {})
        rows.append({"region": region, "url": _area_url(region), **_area_figures(figures)})

    tile_map = None
    if scope.level == "regency":
        per_village = _per_village(scope)
        villages = Region.objects.villages().order_by("name")
        by_district: dict[int, list] = {}
        for village in villages:
            by_district.setdefault(village.parent_id, []).append(
                (village, per_village.get(village.pk, {}))
            )
        groups = [(district.name, by_district.get(district.pk, [])) for district in children]
        tile_map = p.tile_map(groups, map_value, _area_url)
    elif scope.level == "district":
        groups = [(scope.region.name, [(r, per_child.get(r.pk, {})) for r in children])]
        tile_map = p.tile_map(groups, map_value, _area_url, columns=1, tile=22)

    return {
        "cards": _cards(totals),
        "charts": _charts(totals, labels),
        "times": _times(totals, labels),
        "rows": rows,
        "tile_map": tile_map,
        "map_key": map_key,
        "map_label": str(map_label),
        "map_choices": [(key, str(label)) for key, (label, _f) in p.MAP_METRICS.items()],
    }


def _per_village(scope) -> dict[int, dict[str, float]]:
    result: dict[int, dict[str, float]] = {}
    rows = Aggregate.objects.filter(scope.filter, metric__in=p.AREA_METRICS).values_list(
        "village_id", "metric", "value"
    )
    for village_id, metric, value in rows:
        figures = result.setdefault(village_id, {})
        figures[metric] = figures.get(metric, 0) + value
    return result


def _area_figures(figures: dict) -> dict:
    coverage = p.ratio(figures.get("vaccination.dose1", 0), figures.get("vaccination.eligible", 0))
    capacity = figures.get("isolation.capacity", 0)
    return {
        "population": figures.get("population.living", 0),
        "pending": figures.get("applications.pending", 0),
        "overdue": figures.get("applications.overdue", 0),
        "complaints": figures.get("complaints.open", 0),
        "coverage": coverage,
        "free_places": capacity - figures.get("isolation.occupied", 0) if capacity else None,
        "readiness": p.readiness(figures),
    }


def _parent_link(user, scope):
    """The area above this one, when the user may open it."""
    if scope.level == "village":
        parent = scope.region.parent
        if user.role in services.REGENCY_ROLES or user.region_id == parent.pk:
            return {"url": _area_url(parent), "name": parent.name}
    if scope.level == "district" and user.role in services.REGENCY_ROLES:
        return {"url": reverse("dashboards:home"), "name": _("Kabupaten Banyuwangi")}
    return None


def _shown(card: dict) -> dict:
    """The card's figure as text: a whole number, or a percentage, or a dash when unknown."""
    if "percent" in card:
        percent = card["percent"]
        card["shown"] = "—" if percent is None else f"{number_format(100 * percent, 1)}%"
    else:
        card["shown"] = number_format(card["value"], 0, force_grouping=True)
    if card.get("of"):
        card["of_shown"] = number_format(card["of"], 0, force_grouping=True)
    return card


def _cards(totals) -> list[dict]:
    return [_shown(card) for card in _card_list(totals)]


def _card_list(totals) -> list[dict]:
    t = p.total
    cards = [
        # "Penduduk" alone is also a column name elsewhere ("Resident"): here it is a count.
        {"label": pgettext("count", "Penduduk"), "value": t(totals, "population.living")},
        {"label": _("Permohonan menunggu"), "value": t(totals, "applications.pending")},
        {
            "label": _("Permohonan lewat batas waktu"),
            "value": t(totals, "applications.overdue"),
            "alert": t(totals, "applications.overdue") > 0,
        },
    ]
    if t(totals, "complaints.status"):
        cards.append({"label": _("Pengaduan terbuka"), "value": t(totals, "complaints.open")})
        cards.append(
            {
                "label": _("Pengaduan lewat batas waktu"),
                "value": t(totals, "complaints.overdue"),
                "alert": t(totals, "complaints.overdue") > 0,
            }
        )
    eligible = t(totals, "vaccination.eligible")
    if eligible:
        for metric, label in [
            ("vaccination.dose1", _("Cakupan vaksin dosis 1")),
            ("vaccination.dose2", _("Cakupan vaksin dosis 2")),
            ("vaccination.booster", _("Cakupan vaksin booster")),
        ]:
            cards.append({"label": label, "percent": p.ratio(t(totals, metric), eligible)})
    capacity = t(totals, "isolation.capacity")
    if capacity:
        cards.append(
            {
                "label": _("Tempat isolasi kosong"),
                "value": capacity - t(totals, "isolation.occupied"),
                "of": capacity,
            }
        )
    if t(totals, "assistance.flags"):
        cards.append(
            {
                "label": _("Tumpang tindih bantuan tertangkap"),
                "value": t(totals, "assistance.flags"),
            }
        )
    served = t(totals, "queues.served")
    if served:
        cards.append(
            {
                "label": _("Rata-rata tunggu antrean (menit)"),
                "value": round(t(totals, "queues.wait_seconds_sum") / served / 60, 1),
            }
        )
    return cards


def _charts(totals, labels) -> list[p.Chart]:
    specs = [
        ("applications.service", _("Permohonan per layanan")),
        ("applications.state", _("Permohonan per status")),
        ("complaints.category", _("Pengaduan per kategori")),
        ("complaints.status", _("Pengaduan per status")),
        ("assistance.flags", _("Temuan data bantuan per jenis")),
        ("assistance.recipients", _("Penerima bantuan per program")),
        ("vaccination.dose_count", _("Dosis vaksin tercatat")),
        ("rollout.stage", _("Desa per tahap penerapan")),
        ("queues.served_by_point", _("Pengunjung dilayani per titik layanan")),
    ]
    charts = []
    for metric, title in specs:
        values = p.dimension_values(totals, metric)
        if any(values.values()):
            charts.append(p.chart(title, values.items(), labels=labels.get(metric)))
    return charts


def _times(totals, labels) -> list[dict]:
    """Average working days at the village and above it, against the service level, per service."""
    issued = p.dimension_values(totals, "applications.issued")
    village = p.dimension_values(totals, "applications.village_days_sum")
    upper = p.dimension_values(totals, "applications.upper_days_sum")
    sla = p.dimension_values(totals, "applications.sla_days_sum")
    within = p.dimension_values(totals, "applications.within_sla")
    service_names = labels.get("applications.service", {})
    rows = []
    for code, count in sorted(issued.items(), key=lambda kv: -kv[1])[:15]:
        if not count:
            continue
        rows.append(
            {
                "service": service_names.get(code, code),
                "count": count,
                "village_days": village.get(code, 0) / count,
                "upper_days": upper.get(code, 0) / count,
                "sla_days": sla.get(code, 0) / count,
                "within": p.ratio(within.get(code, 0), count),
            }
        )
    return rows


@login_required
def export(request, fmt: str):
    scope = services.scope_for(request.user, request.GET.get("wilayah") or None)
    rows = (
        Aggregate.objects.filter(scope.filter)
        .select_related("village", "district")
        .order_by("district__code", "village__code", "metric", "dimension")
        .values_list(
            "district__code", "district__name", "village__code", "village__name",
            "metric", "dimension", "value",
        )
        .iterator(chunk_size=2000)
    )  # fmt: skip
    header = ["KODE_KECAMATAN", "KECAMATAN", "KODE_DESA", "DESA", "UKURAN", "RINCIAN", "NILAI"]
    name = f"dasbor-{scope.code or 'kabupaten'}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(name, header, rows, title="Dasbor")
    return csv_response(name, header, rows)


@login_required
@require_POST
def refresh(request):
    if request.user.role != Role.REGENT:
        raise PermissionDenied
    job = enqueue("dashboards.refresh", user=request.user, label=_("Perbarui angka dasbor"))
    messages.info(request, _("Pembaruan angka dasbor sudah dimulai."))
    return redirect("jobs:job_detail", pk=job.pk)
