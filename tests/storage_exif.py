"""EXIF builders for photo tests."""

from __future__ import annotations

from PIL import Image


def gps_exif(lat: float, lon: float) -> bytes:
    """Raw EXIF with a GPS position and a camera model."""
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 12"

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))

    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = ("S" if lat < 0 else "N"), dms(lat)
    gps[3], gps[4] = ("W" if lon < 0 else "E"), dms(lon)
    return exif.tobytes()
