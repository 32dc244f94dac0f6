"""The two service figures /statistik adds: the average rating and the overdue complaints."""

from __future__ import annotations

from datetime import datetime

from handlers.i18n import _, ngettext
from handlers.numbers import decimal
from handlers.operators.views import is_admin
from handlers.turn import Turn
from storage.models import Operator
from storage.service_figures import average_rating, overdue_count


def service_lines(turn: Turn, operator: Operator, start: datetime | None, end: datetime) -> list[str]:
    """“Average rating: 4,5 of 5 (2 ratings)” and “Overdue now: 3” for the operator's scope."""
    agency_id, agency_only = operator.agency_id, not is_admin(operator)
    mean, rated = average_rating(turn.session, start=start, end=end, agency_id=agency_id,
                                 agency_only=agency_only)
    lines = []
    if mean is not None:
        lines.append(ngettext("Average rating: {mean} of 5 ({n} rating)",
                              "Average rating: {mean} of 5 ({n} ratings)", rated).format(
            mean=decimal(mean), n=rated))
    else:
        lines.append(_("Average rating: no ratings yet"))
    overdue = overdue_count(turn.session, start=start, end=end, agency_id=agency_id,
                            agency_only=agency_only, now=turn.now)
    lines.append(_("Overdue now: {n}").format(n=overdue))
    return lines
