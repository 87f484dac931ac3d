"""The other names people search a council's areas by (villages, estates, local names): the rules for adding and
removing them. The search finds them in directory/search.py, beside GeoNames' towns and the areas' own names."""

import math

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from enterprises.models import Area, AreaName, Council, PlaceName, Postcode

# A council's name for a place within this of a town of the same name (from GeoNames) is that town, not another.
SAME_PLACE_METRES = 5000


class AreaNameRefused(ValueError):
    """A name that cannot be added, with a message for the person who typed it."""


def council_area_names(council: Council):
    return AreaName.objects.filter(area__council=council).select_related("area").order_by(Lower("name"), "pk")


def add_area_name(*, council: Council, area: Area, name: str, postcode: str = "", by=None) -> AreaName:
    """Let people search from `name`, as from `area`: from the centre of `postcode` if given, else the area's centre.
    Adding a name the area has already does nothing more. Raises AreaNameRefused when people could already search
    by it as another place."""
    if area.council_id != council.pk:
        raise AreaNameRefused("Choose one of your council’s areas")
    name = " ".join(name.split())
    point = (area.easting, area.northing)
    if postcode:
        point = Postcode.objects.filter(pk=postcode).values_list("easting", "northing").first() or point
    if name.casefold() == area.name.casefold() or Area.objects.filter(council=council, name__iexact=name).exists():
        raise AreaNameRefused(f"{name} is already the name of one of your areas")
    taken = council_area_names(council).filter(name__iexact=name).first()
    if taken is not None and taken.area_id == area.pk:
        return taken  # sent twice: it is there once
    if taken is not None:
        raise AreaNameRefused(f"{name} is already a name for {taken.area.name}")
    if _a_town_of_that_name_near(name, point):
        raise AreaNameRefused(f"People can already search for {name}: it is a town or village we know")
    try:
        with transaction.atomic():
            return AreaName.objects.create(area=area, name=name, easting=point[0], northing=point[1], added_by=by)
    except IntegrityError:  # the same name added for this area at the same moment (a double click, a colleague)
        return AreaName.objects.get(area=area, name__iexact=name)


def remove_area_name(*, council: Council, area_name_id: int) -> str | None:
    """Stop people searching by this name; its name, or None if it was not one of the council's (or already gone)."""
    found = council_area_names(council).filter(pk=area_name_id).first()
    if found is None:
        return None
    found.delete()
    return found.name


def _a_town_of_that_name_near(name: str, point: tuple[int, int]) -> bool:
    near = Q(easting__range=(point[0] - SAME_PLACE_METRES, point[0] + SAME_PLACE_METRES),
             northing__range=(point[1] - SAME_PLACE_METRES, point[1] + SAME_PLACE_METRES))
    towns = PlaceName.objects.filter(near, name__iexact=name).values_list("easting", "northing")
    return any(math.dist(point, town) <= SAME_PLACE_METRES for town in towns)
