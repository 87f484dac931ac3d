"""Places on the British National Grid (eastings and northings, as Ordnance Survey gives postcodes) as the rest of
the world writes them."""

import math

from convertbng.cutil import convert_lonlat


def lat_long(easting: int | None, northing: int | None) -> tuple[float, float] | None:
    """British National Grid → WGS84 latitude and longitude (OSTN15, via convertbng), to about a metre."""
    if easting is None or northing is None:
        return None
    longitudes, latitudes = convert_lonlat([easting], [northing])
    longitude, latitude = float(longitudes[0]), float(latitudes[0])
    if math.isnan(longitude) or math.isnan(latitude):
        return None
    return round(latitude, 6), round(longitude, 6)
