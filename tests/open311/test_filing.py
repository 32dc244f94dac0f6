"""POST /open311/v2/requests.{json,xml}: API keys made with `aduan apikey`, the chat's completeness rules,
Open311 error lists naming every missing field, and the complaint in the operators' queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from open311_helpers import FIELDS, cli, post, with_photo
from public_helpers import serving, site
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident
from storage.api_keys import ApiKey
from storage.media import MediaStore
from storage.models import Complaint, OperatorRole, Outbox, Photo, Reporter, utcnow
from storage.operators import add_operator

DESK = "-100500"


@pytest.fixture
async def root(engine: Engine, tmp_path: Path) -> AsyncIterator[str]:
    config = FlowConfig(operator_chat_id=DESK)
    async with serving(site(engine, tmp_path / "media", config=config, posts_per_minute=5)) as url:
        yield url + "/open311/v2"


def test_keys_are_stored_as_hashes_listed_without_the_key_and_revocable(api_key: str, engine: Engine) -> None:
    with Session(engine) as session:
        [stored] = session.exec(select(ApiKey)).all()
    assert len(api_key) >= 32 and api_key not in stored.key_hash and stored.revoked_at is None
    code, listing = cli("apikey", "list")
    assert code == 0 and "callcentre" in listing and "active" in listing and api_key not in listing
    assert cli("apikey", "add", "callcentre")[0] != 0
    assert cli("apikey", "revoke", "callcentre") == (0, "Revoked callcentre.\n")
    assert "revoked" in cli("apikey", "list")[1]
    assert cli("apikey", "revoke", "callcentre")[0] != 0


async def test_a_complete_request_is_filed_and_reaches_the_operators_queue(
        api_key: str, root: str, engine: Engine, tmp_path: Path) -> None:
    status, [answer] = await post(f"{root}/requests.json", with_photo({**FIELDS, "api_key": api_key}))
    assert status == 201
    code = answer["service_request_id"]
    assert code.startswith("ADU-") and f"/laporan/{code}" in answer["service_notice"]
    with Session(engine, expire_on_commit=False) as session:
        complaint = session.exec(select(Complaint)).one()
        reporter = session.get(Reporter, complaint.reporter_id)
        [photo] = session.exec(select(Photo)).all()
        alert = session.exec(select(Outbox).where(Outbox.chat_id == DESK)).one()
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        session.commit()
    assert (complaint.code, complaint.channel, complaint.status) == (code, "open311", "received")
    assert (complaint.name, complaint.category, complaint.privacy) == ("Siti Aminah", "waste", "public")
    assert (complaint.latitude, complaint.longitude, complaint.deadline_kind) == (-6.3123, 106.7654, "verify")
    assert reporter is not None and reporter.external_id == "callcentre"
    assert reporter.unreachable_at is not None  # nothing is sent back over Open311
    assert (tmp_path / "media" / photo.path).is_file() and code in alert.text
    desk = Resident(Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path / "media")),
                    "900", profile_name="Desk", language_code="en", channel="telegram")
    await desk.say("/antrian")
    assert code in desk.text


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_an_incomplete_request_gets_every_missing_field_at_once(api_key: str, root: str, fmt: str,
                                                                      engine: Engine) -> None:
    status, body = await post(f"{root}/requests.{fmt}", {"api_key": api_key, "description": "rusak"})
    assert status == 400
    if fmt == "xml":
        assert body.tag == "errors"
        rows = [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
                for e in body]
    else:
        rows = body
    assert {row["code"] for row in rows} == {400}
    text = " | ".join(row["description"] for row in rows)
    assert len(rows) == 4, text
    for field in ("description", "lat", "first_name", "media_url"):
        assert field in text
    with Session(engine) as session:
        assert session.exec(select(Complaint)).all() == []


@pytest.mark.parametrize(("fields", "named"), [
    ({"service_code": "volcano"}, "service_code"),
    ({"lat": "north", "long": "106.7"}, "lat"),
    ({"lat": "95", "long": "106.7"}, "lat"),
    ({"lat": "", "long": "", "address_string": "Ciputat"}, "address"),
    ({"first_name": "", "last_name": "", "name": "http://spam.example"}, "name"),
    ({"privacy": "secret"}, "privacy"),
])
async def test_each_bad_field_is_named(api_key: str, root: str, fields: dict[str, str], named: str) -> None:
    form = with_photo({**FIELDS, "api_key": api_key, **fields})
    status, [error] = await post(f"{root}/requests.json", form)
    assert status == 400 and named in error["description"]


async def test_a_bad_or_revoked_key_is_403(api_key: str, root: str) -> None:
    for data in ({**FIELDS}, {**FIELDS, "api_key": "not-a-key"}):
        status, [error] = await post(f"{root}/requests.json", data)
        assert (status, error["code"]) == (403, 403)
    assert cli("apikey", "revoke", "callcentre")[0] == 0
    status, body = await post(f"{root}/requests.xml", {**FIELDS, "api_key": api_key})
    assert status == 403 and body.findtext("error/code") == "403"


async def test_filing_is_limited_per_key(api_key: str, root: str) -> None:
    statuses = []
    for _attempt in range(6):
        status, _body = await post(f"{root}/requests.json", {"api_key": api_key, "description": "x"})
        statuses.append(status)
    assert statuses == [400] * 5 + [429]
