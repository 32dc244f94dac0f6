"""POST requests.{json,xml}: another system files a complaint with its API key."""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web

from bot.common.rate_limit import RateLimit
from bot.open311.media_fetch import MediaPolicy, MediaRefused, fetch_media
from bot.open311.render import errors, respond
from bot.public.site import Site
from handlers.i18n import _
from handlers.open311_intake import ServiceRequest, check, file_request
from handlers.publication import report_link
from storage.api_keys import key_owner
from storage.models import utcnow

log = logging.getLogger(__name__)
MAX_FIELD = 16 * 1024
FIELDS = ("service_code", "description", "lat", "long", "address_string", "first_name", "last_name", "name",
          "privacy")


async def post_request(request: web.Request, site: Site, *, per_key: RateLimit,
                       per_ip: RateLimit) -> web.Response:
    """Check the key and the fields, then file the complaint; every problem is listed at once."""
    fmt = request.match_info.get("fmt", "json")
    wait = per_ip.check(site.client(request))
    form, upload = await _read(request, site.config.max_photo_bytes)
    key = str(form.get("api_key") or request.query.get("api_key") or "")
    owner = await site.read(lambda c: key_owner(c, key=key)) if key else None
    if owner is None:
        return errors(fmt, 403, [_("A valid api_key is required to file service requests.")])
    wait = wait or per_key.check(owner)
    if wait is not None:
        return errors(fmt, 429, [_("Too many requests: try again in {s} seconds.").format(s=int(wait) + 1)],
                      headers={"Retry-After": str(int(wait) + 1)})
    values = {name: _str(form.get(name)) for name in FIELDS}
    photo, photo_problem = upload, None
    media_url = _str(form.get("media_url"))
    if photo is None and media_url:
        policy = MediaPolicy(allowed=site.media_hosts, max_bytes=site.config.max_photo_bytes,
                             seconds=site.media_fetch_seconds)
        try:
            photo = await fetch_media(media_url, policy)
        except MediaRefused as refused:
            photo_problem = str(refused)
    service_request = ServiceRequest(
        service_code=values["service_code"], description=values["description"], lat=values["lat"],
        long=values["long"], address=values["address_string"] or _str(form.get("address")),
        first_name=values["first_name"], last_name=values["last_name"], name=values["name"],
        privacy=values["privacy"], photo=photo, photo_problem=photo_problem)
    checked = check(service_request, max_photo_bytes=site.config.max_photo_bytes)
    if isinstance(checked, list):
        return errors(fmt, 400, checked)
    complaint = await site.write(lambda c: file_request(
        c, checked=checked, source=owner, config=site.config, media=site.media, now=utcnow()))
    log.info("Open311: %s filed %s", owner, complaint.code)
    notice = _("Received as {code}; it becomes public at {link} once the admin desk verifies it.").format(
        code=complaint.code, link=report_link(site.root(request), complaint.code))
    return respond("requests", fmt, [{"service_request_id": complaint.code, "service_notice": notice,
                                      "account_id": None}], status=201)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


async def _read(request: web.Request, max_bytes: int) -> tuple[dict[str, str], bytes | None]:
    """The form fields, and the uploaded `media` file when the request is multipart."""
    if not request.content_type.startswith("multipart/"):
        post = await request.post()
        return {name: value for name, value in post.items() if isinstance(value, str)}, None
    fields: dict[str, str] = {}
    upload: bytes | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename is not None or part.name == "media":
            upload = await _read_capped(part, max_bytes)
        else:
            fields[part.name] = (await _read_capped(part, MAX_FIELD)).decode("utf-8", "replace")
    return fields, upload


async def _read_capped(part: aiohttp.BodyPartReader, limit: int) -> bytes:
    # One byte past the limit is enough for the checks to call it too large; the rest is skipped.
    data = bytearray()
    while chunk := await part.read_chunk():
        if len(data) <= limit:
            data += chunk[:limit + 1 - len(data)]
    return bytes(data)
