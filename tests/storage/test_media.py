"""Photo checks: Pillow decides what is an image, stored copies carry no EXIF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from storage_exif import gps_exif

from helpers import jpeg
from storage.media import MAX_PIXELS, MediaStore, PhotoRejected, clean_photo


def test_a_photo_is_kept_without_exif_and_its_gps_is_read() -> None:
    clean = clean_photo(jpeg(exif=gps_exif(-6.2884, 106.7179)), max_bytes=10**7)
    assert clean.gps == pytest.approx((-6.2884, 106.7179), abs=1e-4)
    with Image.open(io.BytesIO(clean.jpeg)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
    assert b"SecretPhone" not in clean.jpeg


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.4 this is a pdf, not a photo", "not_image"),
    (b"", "not_image"),
    (jpeg()[:200], "not_image"),                       # truncated
    (b"GIF89a" + b"\x00" * 40, "not_image"),
])
def test_files_that_are_not_images_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(data, max_bytes=10**7)
    assert caught.value.reason == reason


def test_an_image_named_like_anything_is_still_checked_by_content() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 255, 128)).save(out, format="PNG")
    clean = clean_photo(out.getvalue(), max_bytes=10**7)
    assert (clean.width, clean.height) == (50, 40)


def test_a_photo_over_the_size_limit_is_refused() -> None:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(jpeg(), max_bytes=100)
    assert caught.value.reason == "too_large"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused_without_decoding_it() -> None:
    side = int(MAX_PIXELS ** 0.5) + 500
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG")  # tiny file, huge canvas
    assert len(out.getvalue()) < 2_000_000
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(out.getvalue(), max_bytes=10**7)
    assert caught.value.reason == "too_many_pixels"


def test_the_store_writes_under_its_root_and_deletes(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    stored = store.save(clean_photo(jpeg(), max_bytes=10**7))
    assert store.full_path(stored.path).read_bytes()[:2] == b"\xff\xd8"
    assert len(stored.sha256) == 64
    store.delete(stored.path)
    assert not store.full_path(stored.path).exists()
