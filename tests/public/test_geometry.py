"""The map's pure geometry: projection, shipped outlines, arcs."""

from __future__ import annotations

from matchmaker.config import PROJECT_ROOT
from matchmaker.public import geometry

WORLD = PROJECT_ROOT / "data" / "world" / "countries-110m.json"


def test_projection_maps_the_cropped_world_onto_the_canvas():
    assert geometry.project(-180, geometry.NORTH) == (0.0, 0.0)
    assert geometry.project(180, geometry.SOUTH) == (geometry.WIDTH, geometry.HEIGHT)
    assert geometry.project(0, -89) == geometry.project(0, geometry.SOUTH)  # clamped


def test_world_outlines_ship_with_the_project_and_stay_light():
    shapes = geometry.world_shapes(WORLD)
    numeric = {shape.numeric for shape in shapes}
    assert {"894", "076", "356"} <= numeric  # Zambia, Brazil, India
    assert geometry.ANTARCTICA not in numeric
    assert sum(len(shape.path) for shape in shapes) < 80_000
    for shape in shapes:  # rings crossing the antimeridian are kept whole (no jump across)
        for ring in shape.path.split("M")[1:]:
            xs = [float(point.split(",")[0]) for point in ring.rstrip("Z").split("L")]
            assert max(b - a for a, b in zip(xs, xs[1:], strict=False)) < 500, shape.name


def test_arcs_skip_domestic_and_unplaced_flows_and_grow_with_exchanges():
    positions = {"KEN": (37.9, 0.0), "ZMB": (27.8, -13.1), "ZAF": (25.1, -29.0)}
    arcs = geometry.flow_arcs(
        [("ZAF", "ZMB", 1), ("KEN", "ZMB", 4), ("KEN", "KEN", 3), ("XXX", "ZMB", 2)], positions
    )
    assert [(a.source, a.target, a.count) for a in arcs] == [("KEN", "ZMB", 4), ("ZAF", "ZMB", 1)]
    assert arcs[0].width > arcs[1].width
    assert arcs[0].path.startswith("M") and "Q" in arcs[0].path
