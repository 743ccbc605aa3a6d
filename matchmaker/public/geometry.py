"""World outlines and learning-flow arcs as SVG paths, drawn offline from the shipped TopoJSON.

Pure: no Flask, no database. The projection is equirectangular, cropped to the inhabited
latitudes (Antarctica is left out), on a fixed 1000-unit-wide canvas the page scales.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WIDTH = 1000.0
NORTH, SOUTH = 84.0, -58.0
HEIGHT = round(WIDTH * (NORTH - SOUTH) / 360.0, 1)
ANTARCTICA = "010"
MIN_STEP = 1.5  # canvas units: points closer than this to the previous one are dropped


@dataclass(frozen=True)
class Shape:
    """One country's outline: ISO 3166-1 numeric code (may be empty), name, SVG path data."""

    numeric: str
    name: str
    path: str


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Equirectangular projection onto the canvas."""
    latitude = max(SOUTH, min(NORTH, latitude))
    x = (longitude + 180.0) / 360.0 * WIDTH
    y = (NORTH - latitude) / (NORTH - SOUTH) * HEIGHT
    return x, y


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON's quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indices: Sequence[int], arcs: list[list[tuple[float, float]]]) -> str:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    kept: list[tuple[float, float]] = []
    previous = None
    for lon, lat in points:
        if previous is not None:  # a ring crossing the antimeridian stays in one piece
            lon += 360.0 * round((previous - lon) / 360.0)
        previous = lon
        x, y = project(lon, lat)
        if kept and math.dist(kept[-1], (x, y)) < MIN_STEP:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.0f},{y:.0f}" for x, y in kept) + "Z"


@cache
def world_shapes(topojson_path: Path) -> tuple[Shape, ...]:
    """Every country's outline, decoded once per process."""
    topology = json.loads(topojson_path.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = str(geometry.get("id") or "")
        if numeric == ANTARCTICA or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(_ring(ring, arcs) for polygon in polygons for ring in polygon)
        if path:
            shapes.append(Shape(numeric, geometry.get("properties", {}).get("name", ""), path))
    return tuple(shapes)


@dataclass(frozen=True)
class Arc:
    """A learning flow drawn from the provider's country to the requester's."""

    source: str
    target: str
    count: int
    path: str
    width: float


def flow_arcs(
    flows: Iterable[tuple[str, str, int]], positions: dict[str, tuple[float, float]]
) -> list[Arc]:
    """Curved arcs (quadratic Bézier, bent to the left of travel) for (source, target, count)
    flows between countries with known (longitude, latitude); thicker for more exchanges."""
    flows = [f for f in flows if f[0] != f[1] and f[0] in positions and f[1] in positions]
    largest = max((count for _s, _t, count in flows), default=1)
    arcs = []
    for source, target, count in flows:
        (x1, y1), (x2, y2) = project(*positions[source]), project(*positions[target])
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        bend = 0.2  # control point offset, as a share of the distance
        cx, cy = mx + dy * bend, my - dx * bend
        path = f"M{x1:.1f},{y1:.1f}Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"
        width = round(1.2 + 3.3 * math.sqrt(count / largest), 2)
        arcs.append(Arc(source, target, count, path, width))
    return sorted(arcs, key=lambda arc: -arc.count)
