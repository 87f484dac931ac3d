""""Use my location": the browser's position turned into the nearest postcode, here on the server, so the search
goes on from a postcode as if it had been typed. The position is neither stored nor logged: it comes in a POST body
(out of any proxy's access log), the request log keeps the path only, and only the postcode goes back."""

import math

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from enterprises.gazetteer import wgs84_to_grid
from enterprises.models import Postcode

# Farther than this from every postcode centre is not somewhere we can search from (at sea, or abroad).
NEAREST_WITHIN_METRES = 3000
NOT_FOUND = "We could not find a postcode near you. Enter your postcode, or the name of your town or village"


def nearest_postcode(latitude: float, longitude: float) -> str | None:
    """The GB postcode whose centre is nearest to this WGS84 point, if one is within NEAREST_WITHIN_METRES."""
    point = wgs84_to_grid([(latitude, longitude)])[0]
    if point is None:
        return None
    easting, northing = point
    database = connections[Postcode.objects.db]
    table = database.ops.quote_name(Postcode._meta.db_table)
    with database.cursor() as cursor:
        cursor.execute(  # the nearest-neighbour walk of postcode_point_idx: this very expression
            f"""SELECT postcode, point(easting, northing) <-> point(%(e)s, %(n)s)
                  FROM {table} ORDER BY point(easting, northing) <-> point(%(e)s, %(n)s) LIMIT 1""",
            {"e": easting, "n": northing},
        )
        found = cursor.fetchone()
    if found is None or found[1] > NEAREST_WITHIN_METRES:
        return None
    return found[0]


def _coordinate(value: str | None, limit: float) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


@csrf_exempt  # it changes nothing and answers only with a public postcode; the search box has no form token to send
@require_POST
@never_cache
def postcode_near(request):
    latitude = _coordinate(request.POST.get("latitude"), 90)
    longitude = _coordinate(request.POST.get("longitude"), 180)
    if latitude is None or longitude is None:
        return JsonResponse({"error": "Send a latitude and a longitude in degrees"}, status=400)
    postcode = nearest_postcode(latitude, longitude)
    if postcode is None:
        return JsonResponse({"error": NOT_FOUND}, status=404)
    return JsonResponse({"postcode": postcode})
