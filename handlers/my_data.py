"""/dataku (/mydata): everything Aduan stores about the resident, readable and as a JSON file."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from handlers import categories
from handlers.i18n import _
from handlers.messages import Reply
from handlers.prompts import privacy_label, status_label, when
from handlers.turn import Turn
from storage.resident_data import resident_data


def data_json(data: dict[str, Any]) -> bytes:
    """The resident's data as the JSON document /dataku and `aduan privacy export` give."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def my_data(turn: Turn) -> list[Reply]:
    """The readable summary (split by the channel as needed) and the same data as a JSON file."""
    assert turn.reporter.id is not None
    data = resident_data(turn.session, reporter_id=turn.reporter.id)
    text = readable(data, turn.config.timezone)
    return [Reply(text), Reply(_("📎 The same data as a JSON file, for your records."),
                               document=data_json(data), document_name="aduan-my-data.json")]


def _at(value: str | None, tz: str) -> str:
    return when(datetime.fromisoformat(value), tz) if value else "-"


def readable(data: dict[str, Any], tz: str) -> str:
    """The data as the resident reads it in the chat."""
    profile = data["profile"]
    lines = [
        _("🔐 Your data in Aduan (UU PDP No. 27/2022)"), "",
        _("Profile"),
        _("• Channel: {value}").format(value=profile["channel"]),
        _("• Account id: {value}").format(value=profile["account_id"]),
        _("• Name as given by the chat app: {value}").format(value=profile["name_as_given"] or "-"),
        _("• Language: {value}").format(value=profile["language"]),
        _("• First contact: {value}").format(value=_at(profile["first_contact"], tz)),
        _("• Consent given: {value}").format(value=_at(profile["consent_given_at"], tz)),
    ]
    for consent in data["consents"]:
        answer = _("agreed") if consent["accepted"] else _("declined or withdrawn")
        lines.append(_("  – {date}: {answer} (notice version {version})").format(
            date=_at(consent["at"], tz), answer=answer, version=consent["notice_version"]))
    if profile["notifications_stopped_at"]:
        stopped = _at(profile["notifications_stopped_at"], tz)
        lines.append(_("• Notifications stopped: {value}").format(value=stopped))
    lines += ["", _("Reports: {count}").format(count=len(data["reports"]))]
    for report in data["reports"]:
        lines += ["", *_report_lines(report, tz)]
    draft = data["unfinished_report"]
    if draft is not None:
        lines += ["", _("Unfinished report: name {name}, address {address}, description {description}, "
                        "photos: {photos}").format(name=draft.get("name") or "-",
                                                   address=draft.get("address") or "-",
                                                   description=draft.get("description") or "-",
                                                   photos=draft["photos"])]
    if data["supporting_reports"]:
        lines += ["", _("Added to reports you follow: {codes}").format(
            codes=", ".join(r["complaint"] for r in data["supporting_reports"]))]
    if data["kept_before_consent"]:
        lines += ["", _("Messages kept while the privacy notice waited: {count}").format(
            count=len(data["kept_before_consent"]))]
    lines += ["", _("Correct a report still waiting for verification: /ubah CODE. Erase everything: "
                    "/hapusdata. Withdraw your consent: /tarikpersetujuan.")]
    return "\n".join(lines)


def _report_lines(report: dict[str, Any], tz: str) -> list[str]:
    lines = [
        f"📄 {report['code']} · {status_label(report['status'])}",
        _("• Name: {value}").format(value=report["name"] or "-"),
        _("• Address: {value}").format(value=report["address"] or "-"),
    ]
    if report["latitude"] is not None:
        lines.append(_("• Location: {lat}, {lon}").format(lat=report["latitude"], lon=report["longitude"]))
    lines += [
        _("• Description: {value}").format(value=report["description"]),
        _("• Category: {value}").format(value=categories.label(report["category"])),
        _("• Privacy: {value}").format(value=privacy_label(report["privacy"])),
        _("• Agency: {value}").format(value=report["agency"] or "-"),
        _("• Photos: {count}").format(count=report["photos"]),
        _("• Filed: {value}").format(value=_at(report["filed_at"], tz)),
        _("• History:"),
    ]
    for change in report["history"]:
        note = f": {change['note']}" if change["note"] else ""
        lines.append(f"  – {_at(change['at'], tz)} {status_label(change['to'])}{note}")
    if report["messages"]:
        lines.append(_("• Messages with officers:"))
    for message in report["messages"]:
        who = _("you") if message["from"] == "you" else _("officer")
        lines.append(f"  – {_at(message['at'], tz)} {who}: {message['text']}")
    return lines
