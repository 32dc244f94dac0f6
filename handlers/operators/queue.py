"""The operator's queue: open complaints, most reported then oldest first, with age, holder and flags."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from handlers import categories
from handlers.deadlines import calendar
from handlers.i18n import _, ngettext
from handlers.messages import Button, Reply
from handlers.notices import day_text
from handlers.operators.status_words import ALL, known_words, parse_status
from handlers.operators.views import is_admin
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.complaints import open_page
from storage.lifecycle import OPEN
from storage.models import Complaint, Operator

PAGE = 10
MINE = frozenset({"saya", "mine"})
FILTER_MAX = 40  # what fits in a page button's callback data


def deadline_flag(turn: Turn, complaint: Complaint) -> str:
    """“overdue” past the running deadline, “due …” on its last working day, else nothing."""
    due = complaint.deadline_at
    if due is None:
        return ""
    if turn.now >= due:
        return " · " + _("⚠️ overdue since {date}").format(date=day_text(due, turn.config.timezone))
    if complaint.deadline_remind_at is not None and turn.now >= complaint.deadline_remind_at:
        return " · " + _("⏰ due {date}").format(date=day_text(due, turn.config.timezone))
    return ""


@dataclass(frozen=True)
class QueueFilter:
    """What `/antrian …` asks for: statuses, one's own, an area (kelurahan or kecamatan)."""

    statuses: tuple[str, ...]
    mine: bool = False
    area: str = ""


def parse_filter(text: str) -> QueueFilter | str:
    """The filter in `/antrian [status] [saya] [area name]` (status words in either language)."""
    words = text.strip().split()
    statuses = [status for w in words if (status := parse_status(w)) is not None]
    mine = any(w.lower() in MINE for w in words)
    rest = " ".join(w for w in words if w.lower() not in MINE and parse_status(w) is None)
    if len(statuses) > 1:
        return _("Give at most one status.")
    if not statuses or statuses[0] == ALL:
        return QueueFilter(tuple(sorted(s.value for s in OPEN)), mine, rest)
    return QueueFilter((statuses[0],), mine, rest)


def line(turn: Turn, complaint: Complaint, holders: dict[int, str]) -> str:
    """One complaint as the queue and the search list it."""
    age = calendar(turn.config).working_days_between(complaint.created_at, turn.now)
    text = (f"• {complaint.code} · {status_label(complaint.status)} · {categories.label(complaint.category)}"
            " · " + ngettext("{n} working day", "{n} working days", age).format(n=age)
            + deadline_flag(turn, complaint))
    if complaint.reporters_count > 1:
        text += " · " + _("👥 reported by {n} residents").format(n=complaint.reporters_count)
    if complaint.outside_area:
        text += " · " + _("🚩 outside the area")
    if complaint.holder_id is not None:
        text += " · " + _("✋ {name}").format(name=holders.get(complaint.holder_id, "?"))
    return text


def area_spellings(area: str) -> list[str]:
    """The ways a typed area name may be stored (compared on the kelurahan and kecamatan indexes)."""
    cleaned = " ".join(area.split())
    return sorted({cleaned, cleaned.title(), cleaned.upper(), cleaned.lower()}) if cleaned else []


def area_known(session: Session, names: list[str]) -> bool:
    """Whether any complaint lies in a kelurahan or kecamatan of one of these spellings."""
    return any(session.exec(select(Complaint.id).where(column.in_(names)).limit(1)).first() is not None
               for column in (col(Complaint.kelurahan), col(Complaint.kecamatan)))


def holder_names(turn: Turn, complaints: list[Complaint]) -> dict[int, str]:
    """The names of the operators holding any of `complaints`."""
    ids = {c.holder_id for c in complaints if c.holder_id is not None}
    if not ids:
        return {}
    return {o.id: o.name for o in turn.session.exec(select(Operator).where(col(Operator.id).in_(ids)))
            if o.id is not None}


def queue(turn: Turn, operator: Operator, text: str = "", page: int = 0) -> Reply:
    """One page of the operator's open complaints, optionally of one status, their own, or one area."""
    wanted = parse_filter(text)
    if isinstance(wanted, str):
        return Reply(wanted)
    names = area_spellings(wanted.area)
    if names and not area_known(turn.session, names):
        return Reply(_("Unknown status or area “{text}”. Use a status ({names}), “saya” for your own, or "
                       "the name of a kelurahan or kecamatan.").format(text=wanted.area, names=known_words()))
    total, rows = open_page(turn.session, statuses=list(wanted.statuses), agency_only=not is_admin(operator),
                            agency_id=operator.agency_id, offset=page * PAGE, limit=PAGE,
                            holder_id=operator.id if wanted.mine else None, areas=names)
    if not rows:
        if page:
            return Reply(_("No more complaints."))
        return Reply(_("Nothing in the queue matches.") if text.strip() else _("The queue is empty. 🎉"))
    lines = [_("Queue ({total} open, most reported first, then oldest):").format(total=total)]
    holders = holder_names(turn, rows)
    lines += [line(turn, complaint, holders) for complaint in rows]
    lines.append(_("Open one with /lihat CODE."))
    nav: list[Button] = []
    key = " ".join(text.split())[:FILTER_MAX] or "all"
    if page > 0:
        nav.append(Button(_("◀️ Previous"), f"opq:{key}:{page - 1}"))
    if (page + 1) * PAGE < total:
        nav.append(Button(_("Next ▶️"), f"opq:{key}:{page + 1}"))
    return Reply("\n".join(lines), buttons=(tuple(nav),) if nav else ())
