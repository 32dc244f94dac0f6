"""The figures /statistik adds to the counts: rating, overdue complaints, and where complaints come from."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from handlers.i18n import _, ngettext
from handlers.numbers import decimal
from handlers.operators.views import is_admin
from handlers.turn import Turn
from storage.models import Operator
from storage.service_figures import overdue_count
from storage.statistics import Scope, ratings


def service_lines(turn: Turn, operator: Operator, start: datetime | None, end: datetime) -> list[str]:
    """“Average rating: 4,5 of 5 (2 ratings)” and “Overdue now: 3” for the operator's scope."""
    agency_id, agency_only = operator.agency_id, not is_admin(operator)
    rated_as = ratings(turn.connection, Scope(start, end, agency_only, agency_id), turn.config.timezone)
    rated = sum(rated_as.values())
    lines = []
    if rated:
        mean = sum(rating * n for rating, n in rated_as.items()) / rated
        lines.append(ngettext("Average rating: {mean} of 5 ({n} rating)",
                              "Average rating: {mean} of 5 ({n} ratings)", rated).format(
            mean=decimal(mean), n=rated))
    else:
        lines.append(_("Average rating: no ratings yet"))
    overdue = overdue_count(turn.session, start=start, end=end, agency_id=agency_id,
                            agency_only=agency_only, now=turn.now)
    lines.append(_("Overdue now: {n}").format(n=overdue))
    return lines


AREAS_SHOWN = 10


def area_lines(rows: list[tuple[str, str, bool, int]]) -> list[str]:
    """“By kelurahan:” (the largest first, kecamatan beside) and “Outside the area: N”, when known."""
    by_kelurahan: Counter[str] = Counter()
    outside = unknown = 0
    for kecamatan, kelurahan, is_outside, n in rows:
        if is_outside:
            outside += n
        elif kelurahan:
            by_kelurahan[f"{kelurahan} ({kecamatan})" if kecamatan else kelurahan] += n
        else:
            unknown += n
    if not by_kelurahan and not outside:
        return []  # no boundary or kelurahan map configured: nothing to say
    lines = ["", _("By kelurahan:")]
    ranked = sorted(by_kelurahan.items(), key=lambda item: (-item[1], item[0]))
    lines += [f"• {name}: {n}" for name, n in ranked[:AREAS_SHOWN]]
    if len(ranked) > AREAS_SHOWN:
        rest = ranked[AREAS_SHOWN:]
        lines.append(ngettext("• {n} other kelurahan: {count}", "• {n} other kelurahan: {count}",
                              len(rest)).format(n=len(rest), count=sum(n for _name, n in rest)))
    if unknown:
        lines.append(_("• kelurahan not known: {n}").format(n=unknown))
    lines.append(_("🚩 Outside the area: {n}").format(n=outside))
    return lines
