"""The lists of service requests are written straight as text: each item is exactly the document that
requests/ID gives for it (built field by field), in JSON and in XML, public and anonymous alike."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from public_helpers import Seeded, get, seed, serving, site
from sqlalchemy.engine import Engine

from storage.media import MediaStore


@pytest.fixture
async def root(engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[str, Seeded]]:
    seeded = seed(engine, MediaStore(tmp_path / "media"))
    async with serving(site(engine, tmp_path / "media")) as url:
        yield url + "/open311/v2", seeded


async def body(url: str) -> str:
    async with aiohttp.ClientSession() as http:
        status, _type, text = await get(http, url)
    assert status == 200
    return text


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_each_listed_request_is_the_one_served_alone_in_json(root: tuple[str, Seeded],
                                                                  locale: str) -> None:
    url, seeded = root
    listed = json.loads(await body(f"{url}/requests.json?locale={locale}"))
    assert {row["service_request_id"] for row in listed} == {seeded.public, seeded.anonymous, seeded.resolved}
    for row in listed:
        alone = json.loads(await body(f"{url}/requests/{row['service_request_id']}.json?locale={locale}"))
        assert [row] == alone


async def test_each_listed_request_is_the_one_served_alone_in_xml(root: tuple[str, Seeded]) -> None:
    url, _seeded = root
    listed = await body(f"{url}/requests.xml")
    assert listed.startswith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>')
    items = re.findall(r"<request>.*?</request>", listed)
    assert len(items) == 3
    for item in items:
        code = re.search(r"<service_request_id>([^<]+)<", item)
        assert code is not None
        alone = await body(f"{url}/requests/{code.group(1)}.xml")
        assert alone == f'<?xml version="1.0" encoding="utf-8"?>\n<service_requests>{item}</service_requests>'
