"""Turning stored figures into what a dashboard page shows: cards, bars, a table and a map.

Pure functions over the dictionaries ``dashboards.services`` returns, so the page needs no
further queries and every number on it can be tested without a browser.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

HEAT_CLASSES = 5


BAR_STEP = 28


@dataclass
class Bar:
    label: str
    value: float
    width: float = 0.0  # percent of the longest bar
    y: int = 0  # top of the bar in the chart's SVG

    @property
    def shown(self) -> str:
        return f"{self.value:,.1f}".removesuffix(".0")


@dataclass
class Chart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    unit: str = ""

    @property
    def height(self) -> int:
        return BAR_STEP * len(self.bars) + 4


def chart(title, pairs, *, unit: str = "", limit: int = 12, labels: dict | None = None) -> Chart:
    """A horizontal bar chart of the largest ``limit`` values."""
    pairs = sorted(((k, v) for k, v in pairs if v), key=lambda kv: (-kv[1], str(kv[0])))[:limit]
    top = max((value for _key, value in pairs), default=0) or 1
    bars = [
        Bar(str((labels or {}).get(key, key)), value, round(100 * value / top, 1), index * BAR_STEP)
        for index, (key, value) in enumerate(pairs)
    ]
    return Chart(str(title), bars, unit)


def dimension_values(totals: dict, metric: str) -> dict[str, float]:
    return {dim: value for (name, dim), value in totals.items() if name == metric}


def total(totals: dict, metric: str) -> float:
    return sum(dimension_values(totals, metric).values())


def ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else numerator / denominator


def readiness(figures) -> float | None:
    """The average readiness score (0-100) of the area's villages that have one."""
    villages = figures.get("rollout.villages", 0)
    return None if not villages else figures.get("rollout.score", 0) / villages


# The metrics a map can colour the areas by: key -> (label, function of one area's figures).
def _per_thousand(metric):
    def value(figures):
        people = figures.get("population.living", 0)
        return None if not people else 1000 * figures.get(metric, 0) / people

    return value


def _coverage(figures):
    return ratio(figures.get("vaccination.dose1", 0), figures.get("vaccination.eligible", 0))


MAP_METRICS = {
    "overdue": (_("Permohonan terlambat"), lambda figures: figures.get("applications.overdue", 0)),
    "pending": (_("Permohonan menunggu"), lambda figures: figures.get("applications.pending", 0)),
    "complaints": (_("Pengaduan terbuka per 1.000 penduduk"), _per_thousand("complaints.open")),
    "coverage": (_("Cakupan vaksin dosis 1"), _coverage),
    "readiness": (_("Skor kesiapan desa"), lambda figures: readiness(figures)),
}
# Metrics the per-area table and map need, read in one query.
AREA_METRICS = [
    "population.living",
    "applications.pending",
    "applications.overdue",
    "complaints.open",
    "vaccination.dose1",
    "vaccination.eligible",
    "isolation.capacity",
    "isolation.occupied",
    "rollout.score",
    "rollout.villages",
]


def heat_class(value, values) -> str:
    """``heat-0`` (lowest fifth) .. ``heat-4`` (highest), ``heat-none`` without a figure."""
    known = sorted(v for v in values if v is not None)
    if value is None or not known:
        return "heat-none"
    if known[0] == known[-1]:
        return "heat-2"
    position = (value - known[0]) / (known[-1] - known[0])
    return f"heat-{min(HEAT_CLASSES - 1, int(position * HEAT_CLASSES))}"


@dataclass
class Tile:
    x: int
    y: int
    size: int
    label: str
    url: str
    value: float | None
    css: str
    shown: str


@dataclass
class Block:
    x: int
    y: int
    width: int
    height: int
    label: str
    tiles: list[Tile]


def tile_map(groups, value_of, url_of, *, columns: int = 5, tile: int = 14) -> dict:
    """A schematic map: one block per group (district), one square tile per area (village).

    ``groups`` is a list of ``(label, [(area, figures), ...])``. Squares are placed in reading
    order inside their block, so the map needs no coordinates; each links to its area.
    """
    values = [value_of(figures) for _label, areas in groups for _area, figures in areas]
    blocks, gap, header = [], 10, 18
    widest = max((len(areas) for _label, areas in groups), default=1)
    per_row = max(3, math.ceil(math.sqrt(widest)))
    block_width = per_row * (tile + 2) + 8
    block_height = header + math.ceil(widest / per_row) * (tile + 2) + 8
    for index, (label, areas) in enumerate(groups):
        bx = (index % columns) * (block_width + gap)
        by = (index // columns) * (block_height + gap)
        tiles = []
        for position, (area, figures) in enumerate(areas):
            value = value_of(figures)
            tiles.append(
                Tile(
                    x=bx + 4 + (position % per_row) * (tile + 2),
                    y=by + header + (position // per_row) * (tile + 2),
                    size=tile,
                    label=area.name,
                    url=url_of(area),
                    value=value,
                    css=heat_class(value, values),
                    shown="—" if value is None else f"{value:,.2f}".rstrip("0").rstrip("."),
                )
            )
        blocks.append(Block(bx, by, block_width, block_height, label, tiles))
    rows = math.ceil(len(groups) / columns) if groups else 0
    return {
        "blocks": blocks,
        "width": min(len(groups), columns) * (block_width + gap),
        "height": rows * (block_height + gap),
    }
