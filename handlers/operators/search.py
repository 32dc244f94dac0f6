"""/cari: complaints by a fragment of their code, words of the description or address, or the name."""

from __future__ import annotations

from handlers.i18n import _
from handlers.messages import Button, Reply
from handlers.operators.queue import holder_names, line
from handlers.operators.views import is_admin
from handlers.turn import Turn
from storage.models import Operator
from storage.search import search_complaints

PAGE = 10
QUERY_MAX = 100
NOBODY = -1  # an agency operator without an agency sees nothing


def usage() -> str:
    """The usage line of /cari."""
    return _("Usage: /cari text (part of a code, words of the description or address; the admin desk "
             "also finds the reporter's name)")


def search(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """`/cari text`: the first page of the complaints the operator may see that match every word."""
    text = " ".join(args.split())[:QUERY_MAX]
    if not text:
        return [Reply(usage())]
    turn.data["search"] = text  # for the page buttons: callback data is too short to carry it
    return page(turn, operator, 0)


def page(turn: Turn, operator: Operator, number: int) -> list[Reply]:
    """One page of the last search."""
    text = str(turn.data.get("search") or "")
    if not text:
        return [Reply(usage())]
    admin = is_admin(operator)
    agency = None if admin else (operator.agency_id or NOBODY)
    total, rows = search_complaints(turn.session, text=text, agency_id=agency, names=admin,
                                    offset=number * PAGE, limit=PAGE)
    if not rows:
        return [Reply(_("No complaint matches “{text}”.").format(text=text) if number == 0
                      else _("No more complaints."))]
    holders = holder_names(turn, rows)
    lines = [_("{total} complaints match “{text}” (newest first):").format(total=total, text=text)]
    lines += [line(turn, complaint, holders) for complaint in rows]
    lines.append(_("Open one with /lihat CODE."))
    nav: list[Button] = []
    if number > 0:
        nav.append(Button(_("◀️ Previous"), f"opf:{number - 1}"))
    if (number + 1) * PAGE < total:
        nav.append(Button(_("Next ▶️"), f"opf:{number + 1}"))
    return [Reply("\n".join(lines), buttons=(tuple(nav),) if nav else ())]
