"""Public pages and Open311 test helpers: one database with public, anonymous and confidential reports."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.http_server import bound_port, build_app, start_server
from bot.open311.routes import open311_routes
from bot.public.routes import public_routes
from bot.public.site import Site
from handlers.deadlines import filing_deadlines
from handlers.notices import status_changed
from handlers.turn import FlowConfig
from storage.complaints import NewComplaint, file_complaint, find_complaint
from storage.lifecycle import change_status
from storage.media import MediaStore, clean_photo
from storage.models import Agency, Complaint, ComplaintStatus, Reporter

NOW = datetime.now(UTC).replace(microsecond=0)
# Personal data that must never leave through a public page or Open311, whatever the report's privacy.
SECRET_NAMES = ("Budi Santoso", "Dewi Lestari", "Agus Salim", "Rina Wati")
SECRET_CHATS = ("whatsapp:+6281234567890", "6281234567890", "7770001", "7770002", "7770003")
PRIVATE_NOTE = "Catatan internal: telepon pelapor di 0812-3456-7890"
CONFIDENTIAL_TEXT = "Pungutan liar di kantor kelurahan setiap pagi"
ANONYMOUS_ADDRESS = "Jl. Kenanga 7, RT 01/RW 02, Kel. Pamulang"
UNVERIFIED_TEXT = "Lampu jalan mati di depan sekolah belum diverifikasi"


@dataclass
class Seeded:
    """The codes of the seeded reports, by what they show."""

    public: str
    anonymous: str
    confidential: str
    unverified: str
    resolved: str


def jpeg(color: str = "red") -> bytes:
    """A small JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


def _file(session: Session, media: MediaStore, *, chat: str, channel: str, name: str, privacy: str,
          description: str, category: str, address: str | None, lat: float | None, lon: float | None,
          at: datetime, kelurahan: str | None = None) -> Complaint:
    reporter = Reporter(channel=channel, external_id=chat, chat_id=chat, profile_name=name.split()[0],
                        locale="id", consent_at=at, created_at=at, updated_at=at)
    session.add(reporter)
    session.flush()
    stored = media.save(clean_photo(jpeg(), max_bytes=10_000_000), now=at)
    return file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=at,
                          starting=filing_deadlines(at, FlowConfig()), report=NewComplaint(
        name=name, address=address, latitude=lat, longitude=lon, location_source="pin" if lat else None,
        description=description, category=category, privacy=privacy, photos=[stored], kelurahan=kelurahan))


def _move(session: Session, code: str, status: ComplaintStatus, at: datetime, note: str | None,
          *, public: bool = True, agency: Agency | None = None) -> None:
    complaint = find_complaint(session, code=code)
    assert complaint is not None
    if agency is not None:
        complaint.agency_id = agency.id
    if status == ComplaintStatus.RESOLVED:
        complaint.resolved_at = at
    change = change_status(session, complaint=complaint, to_status=status, actor="operator:1", note=note,
                           public=public, now=at)
    status_changed(session, complaint=complaint, change=change, now=at, config=FlowConfig())


def seed(engine: Engine, media: MediaStore, *, now: datetime = NOW) -> Seeded:
    """Five reports: public (in progress), anonymous and confidential (verified), unverified, resolved."""
    with Session(engine, expire_on_commit=False) as session:
        dlh = Agency(code="DLH", name="Dinas Lingkungan Hidup", created_at=now)
        pupr = Agency(code="PUPR", name="Dinas Pekerjaan Umum", created_at=now)
        session.add_all([dlh, pupr])
        session.flush()
        day = timedelta(days=1)
        # Filed in the order of their dates, as in real life (the public list is in filing order).
        resolved = _file(session, media, chat="6281234567890", channel="whatsapp", name="Budi Santoso",
                         privacy="public", description="Saluran air tersumbat sampah, banjir setiap hujan",
                         category="flooding", address="Jl. Melati 4, RT 03/RW 04, Kel. Ciputat",
                         lat=-6.30, lon=106.75, at=now - 10 * day, kelurahan="Ciputat")
        public = _file(session, media, chat="7770001", channel="telegram", name="Budi Santoso",
                       privacy="public",
                       description="Sampah menumpuk di pinggir jalan sejak seminggu, bau sekali",
                       category="waste", address="Jl. Merdeka 1, RT 02/RW 03, Kel. Ciputat",
                       lat=-6.3123456, lon=106.7654321, at=now - 5 * day, kelurahan="Ciputat")
        anonymous = _file(session, media, chat="whatsapp:+6281234567890", channel="whatsapp",
                          name="Dewi Lestari", privacy="anonymous",
                          description="Jalan berlubang besar di depan pasar membahayakan motor",
                          category="roads", address=ANONYMOUS_ADDRESS, lat=-6.3456789, lon=106.7123456,
                          at=now - 4 * day, kelurahan="Pamulang")
        confidential = _file(session, media, chat="7770002", channel="telegram", name="Agus Salim",
                             privacy="confidential", description=CONFIDENTIAL_TEXT, category="public_order",
                             address="Kantor Kelurahan Serua, Jl. Raya Serua 3", lat=-6.33, lon=106.71,
                             at=now - 3 * day, kelurahan="Serua")
        unverified = _file(session, media, chat="7770003", channel="telegram", name="Rina Wati",
                           privacy="public", description=UNVERIFIED_TEXT, category="street_lighting",
                           address="Jl. Pendidikan 9, RT 05/RW 01, Kel. Serua", lat=None, lon=None,
                           at=now - 2 * day)
        for complaint in (public, anonymous, confidential):
            _move(session, complaint.code, ComplaintStatus.VERIFIED, complaint.created_at + day / 2,
                  "Diteruskan ke instansi terkait", agency=dlh)
        _move(session, public.code, ComplaintStatus.IN_PROGRESS, now - 2 * day, "Petugas dijadwalkan besok")
        _move(session, public.code, ComplaintStatus.IN_PROGRESS, now - day, PRIVATE_NOTE, public=False)
        _move(session, resolved.code, ComplaintStatus.VERIFIED, now - 9 * day, None, agency=pupr)
        _move(session, resolved.code, ComplaintStatus.RESOLVED, now - 6 * day, "Saluran sudah dibersihkan")
        session.commit()
    return Seeded(public=public.code, anonymous=anonymous.code, confidential=confidential.code,
                  unverified=unverified.code, resolved=resolved.code)


def site(engine: Engine, media_dir: Path, **extra: object) -> Site:
    """The public side over `engine`, without map tiles (the browser tests have no network)."""
    values: dict[str, object] = {"engine": engine, "config": FlowConfig(), "media": MediaStore(media_dir),
                                 "base_url": "https://aduan.example.go.id", "map_tiles": ""}
    values.update(extra)
    return Site(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def serving(public_site: Site) -> AsyncIterator[str]:
    """The public pages and Open311 served on a free loopback port; yields the root URL."""
    routes = [public_routes(public_site), open311_routes(public_site)]
    app = build_app(engine=public_site.engine, routes=routes)
    runner = await start_server(app, host="127.0.0.1", port=0)
    try:
        yield f"http://127.0.0.1:{bound_port(runner)}"
    finally:
        await runner.cleanup()


async def get(http: aiohttp.ClientSession, url: str, **headers: str) -> tuple[int, str, str]:
    """Status, content type and body of a GET."""
    async with http.get(url, headers=headers) as response:
        return response.status, response.content_type, await response.text()
