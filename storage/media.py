"""Photo checks and storage: Pillow decides what is an image; stored copies carry no EXIF."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from storage.jpeg import NotJpeg, strip_metadata

# Pillow refuses images past twice this size outright; we refuse anything past it.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MAX_SIDE = 2560
JPEG_QUALITY = 85
GPS_IFD = 0x8825
ORIENTATION = 0x0112

RejectReason = Literal["not_image", "too_large", "too_many_pixels"]


class PhotoRejected(Exception):
    """The file is not a photo Aduan can keep; `reason` says why."""

    def __init__(self, reason: RejectReason) -> None:
        super().__init__(reason)
        self.reason: RejectReason = reason


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    """A JPEG without metadata, and the GPS position its original carried."""

    jpeg: bytes
    width: int
    height: int
    gps: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    """A photo written under the media folder; `path` is relative to it."""

    path: str
    width: int
    height: int
    size_bytes: int
    sha256: str


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(ref).upper() in {"S", "W"} else degrees


def _gps(image: Image.Image) -> tuple[float, float] | None:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # broken EXIF must not cost the photo
        return None
    if not gps:
        return None
    lat, lon = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
    if lat is None or lon is None:
        return None
    # Returned even when impossible (off the map, or 0, 0): the intake flow refuses it and says so.
    return round(lat, 6), round(lon, 6)


def _without_metadata(image: Image.Image, data: bytes) -> bytes | None:
    """The JPEG as sent minus its metadata, when its pixels need no change (no turn, no resize, RGB or
    grey); None otherwise. Phones' photos mostly qualify: no quality is lost and no time spent re-encoding.
    """
    orientation = image.getexif().get(ORIENTATION, 1)
    if (image.format != "JPEG" or image.mode not in {"RGB", "L"} or orientation != 1
            or max(image.size) > MAX_SIDE):
        return None
    try:
        kept = strip_metadata(data)
    except NotJpeg:
        return None
    # Decoding at an eighth of the size still reads the whole stream, so a broken file is refused.
    image.draft(image.mode, (image.width // 8, image.height // 8))
    image.load()
    return kept


def clean_photo(data: bytes, *, max_bytes: int) -> CleanPhoto:
    """Check that `data` is an image within the limits and keep it without metadata (re-encoded if needed)."""
    if len(data) > max_bytes:
        raise PhotoRejected("too_large")
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.width * original.height > MAX_PIXELS:
                raise PhotoRejected("too_many_pixels")
            gps = _gps(original)
            width, height = original.size
            kept = _without_metadata(original, data)
            if kept is not None:
                return CleanPhoto(jpeg=kept, width=width, height=height, gps=gps)
            original.seek(0)
            image = ImageOps.exif_transpose(original)
            image.load()
    except Image.DecompressionBombError as exc:
        raise PhotoRejected("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected("not_image") from exc
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return CleanPhoto(jpeg=out.getvalue(), width=image.width, height=image.height, gps=gps)


class MediaStore:
    """Photo files under one folder, named by month and a random id."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, photo: CleanPhoto, *, now: datetime | None = None) -> StoredPhoto:
        """Write a cleaned photo and say where it went."""
        moment = now or datetime.now(UTC)
        relative = Path(f"{moment:%Y}") / f"{moment:%m}" / f"{uuid.uuid4().hex}.jpg"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(photo.jpeg)
        temporary.replace(target)
        return StoredPhoto(
            path=relative.as_posix(),
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.jpeg),
            sha256=hashlib.sha256(photo.jpeg).hexdigest(),
        )

    def full_path(self, relative: str) -> Path:
        """The file of a stored photo."""
        return self.root / relative

    def delete(self, relative: str) -> None:
        """Remove a stored photo that is no longer wanted (a cancelled draft's)."""
        (self.root / relative).unlink(missing_ok=True)
