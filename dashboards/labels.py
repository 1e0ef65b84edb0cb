"""Readable names for the codes a dashboard's dimensions hold (service codes, states, ...)."""

from django.apps import apps


def _choices(label: str, field: str) -> dict[str, str]:
    try:
        model = apps.get_model(label)
    except LookupError:
        return {}
    try:
        return {str(key): str(name) for key, name in model._meta.get_field(field).flatchoices}
    except Exception:  # noqa: BLE001 - a field without choices simply has no labels
        return {}


def dimension_labels() -> dict[str, dict[str, str]]:
    from services.models import Service

    labels = {
        # The catalogue's own English names when the page is in English (as the catalogue).
        "applications.service": {
            service.code: service.display_name
            for service in Service.objects.only("code", "name", "name_en")
        },
        "applications.state": _choices("services.Application", "state"),
        "population.sex": _choices("people.Resident", "sex"),
    }
    labels.update(_app_labels())
    return labels


def _app_labels() -> dict[str, dict[str, str]]:
    """Labels for the dimensions of the other apps' figures."""
    labels = {}
    try:
        from rollout.models import Stage
    except ImportError:
        pass
    else:
        labels["rollout.stage"] = {str(value): str(label) for value, label in Stage.choices}
    try:
        from assistance.models import FlagKind, Programme
    except ImportError:
        pass
    else:
        labels["assistance.flags"] = {key: str(label) for key, label in FlagKind.choices}
        labels["assistance.recipients"] = dict(Programme.objects.values_list("code", "name"))
    try:
        from complaints.models import Category, State
    except ImportError:
        pass
    else:
        labels["complaints.category"] = {key: str(label) for key, label in Category.choices}
        labels["complaints.status"] = {key: str(label) for key, label in State.choices}
    try:
        from health.models import Dose
    except ImportError:
        pass
    else:
        labels["vaccination.dose_count"] = {str(key): str(label) for key, label in Dose.choices}
    return labels
