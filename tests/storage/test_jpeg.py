"""Photos that need no pixel change keep their pixels and lose every piece of metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms
from storage_exif import gps_exif

from storage.jpeg import NotJpeg, strip_metadata
from storage.media import clean_photo


def _photo(**save: object) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (320, 240), (10, 120, 200))
    image.paste((250, 30, 30), (0, 0, 160, 120))
    image.save(out, format="JPEG", quality=90, **save)
    return out.getvalue()


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def _with_comment(data: bytes, comment: bytes) -> bytes:
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def _with_xmp(data: bytes, xmp: bytes) -> bytes:
    body = b"http://ns.adobe.com/xap/1.0/\0" + xmp
    return data[:2] + b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body + data[2:]


SECRET = b"Rina Wulandari, Jl. Kenanga 4"
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.mark.parametrize(("name", "sent"), [
    ("exif with gps and camera", _photo(exif=gps_exif(-6.2884, 106.7179))),
    ("comment", _with_comment(_photo(), SECRET)),
    ("xmp", _with_xmp(_photo(), b"<x:xmpmeta>" + SECRET + b"</x:xmpmeta>")),
    ("picture appended after the end", _photo() + _photo(exif=gps_exif(1.0, 2.0)) + SECRET),
    ("progressive", _with_comment(_photo(progressive=True), SECRET)),
])
def test_metadata_goes_and_the_pixels_stay(name: str, sent: bytes) -> None:
    clean = clean_photo(sent, max_bytes=10**7)
    for secret in (SECRET, b"SecretPhone", b"Exif\0\0", b"xmpmeta"):
        assert secret not in clean.jpeg, name
    assert clean.jpeg.endswith(b"\xff\xd9")
    assert _pixels(clean.jpeg) == _pixels(sent)  # not re-encoded: no quality lost
    assert (clean.width, clean.height) == (320, 240)


def test_the_gps_position_is_still_read_before_it_is_removed() -> None:
    clean = clean_photo(_photo(exif=gps_exif(-6.2884, 106.7179)), max_bytes=10**7)
    assert clean.gps == pytest.approx((-6.2884, 106.7179), abs=1e-4)


def test_the_colour_profile_is_kept() -> None:
    clean = clean_photo(_photo(icc_profile=ICC), max_bytes=10**7)
    with Image.open(io.BytesIO(clean.jpeg)) as image:
        assert image.info.get("icc_profile") == ICC


def test_a_photo_that_must_be_turned_is_reencoded_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # taken sideways: turn 90° clockwise to show
    clean = clean_photo(_photo(exif=exif.tobytes()), max_bytes=10**7)
    assert (clean.width, clean.height) == (240, 320)
    with Image.open(io.BytesIO(clean.jpeg)) as image:
        assert not image.getexif()


@pytest.mark.parametrize("data", [b"", b"\xff\xd8", b"GIF89a", _photo()[:-2][:300]])
def test_bytes_that_are_no_complete_jpeg_are_not_taken_apart(data: bytes) -> None:
    with pytest.raises(NotJpeg):
        strip_metadata(data)
