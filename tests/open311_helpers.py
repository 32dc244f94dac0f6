"""Open311 filing test helpers: a complete request's fields, posting one, the `aduan` command line."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import aiohttp
from public_helpers import jpeg
from typer.testing import CliRunner

from bot.cli import app

FIELDS = {"service_code": "waste", "description": "Sampah menumpuk di pinggir kali sudah dua minggu",
          "lat": "-6.3123", "long": "106.7654", "first_name": "Siti", "last_name": "Aminah",
          "email": "siti@example.org"}


def cli(*args: str) -> tuple[int, str]:
    """Exit code and output of `aduan ARGS`."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout


async def post(url: str, data: dict[str, Any] | aiohttp.FormData) -> tuple[int, Any]:
    """Status and parsed body (JSON, or the XML root element) of a POST."""
    async with aiohttp.ClientSession() as http, http.post(url, data=data) as response:
        body = await response.text()
        if response.content_type == "text/xml":
            return response.status, ET.fromstring(body.encode())
        return response.status, json.loads(body)


def with_photo(fields: dict[str, str]) -> aiohttp.FormData:
    """The fields as a multipart form with an uploaded photo."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("media", jpeg("blue"), filename="photo.jpg", content_type="image/jpeg")
    return form
