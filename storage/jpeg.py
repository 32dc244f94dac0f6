"""Lossless metadata removal for JPEG files: the pixels stay as they were, the personal data goes."""

from __future__ import annotations

SOI, EOI, SOS, COM = 0xD8, 0xD9, 0xDA, 0xFE
APP0, APP2, APP14, APP15 = 0xE0, 0xE2, 0xEE, 0xEF
STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and the restart markers carry no length
JFIF_WITHOUT_THUMBNAIL = 16  # APP0's length when it holds no thumbnail


class NotJpeg(ValueError):
    """The bytes do not follow the JPEG segment structure."""


def _kept(marker: int, segment: bytes) -> bool:
    """Whether a segment stays: image data and colour information, not EXIF, XMP, IPTC, comments or
    appended pictures (MPF)."""
    if marker == APP0:
        return len(segment) == 2 + JFIF_WITHOUT_THUMBNAIL
    if marker == APP2:
        return segment[4:16] == b"ICC_PROFILE\0"
    if marker == APP14:
        return segment[4:9] == b"Adobe"  # how the colour channels are encoded, needed to decode them
    return not (APP0 < marker <= APP15 or marker == COM)


def strip_metadata(data: bytes) -> bytes:
    """`data` without its metadata segments and without anything appended after the image."""
    if data[:2] != bytes((0xFF, SOI)):
        raise NotJpeg("no start of image")
    out, pos, size = bytearray(data[:2]), 2, len(data)
    while pos + 2 <= size:
        if data[pos] != 0xFF:
            raise NotJpeg(f"no marker at {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == EOI:
            out += data[pos:pos + 2]
            return bytes(out)
        if marker in STANDALONE:
            out += data[pos:pos + 2]
            pos += 2
            continue
        if pos + 4 > size:
            break
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:end]
        if _kept(marker, segment):
            out += segment
        pos = end
        if marker == SOS:  # entropy-coded data follows, up to the next marker that is not stuffing or RST
            scan_end = _scan_end(data, pos)
            out += data[pos:scan_end]
            pos = scan_end
    raise NotJpeg("no end of image")


def _scan_end(data: bytes, pos: int) -> int:
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            return len(data)
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = found + 1 if following == 0xFF else found + 2
            continue
        return found
