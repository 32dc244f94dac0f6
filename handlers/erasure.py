"""A resident's erasure as the service carries it out: the data erased, the officers of open reports told."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from handlers.i18n import _, use_locale
from handlers.notices import operator_alert
from handlers.turn import FlowConfig
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus
from storage.privacy import Erased, erase_reporter

REQUEST = "request"  # the resident asked in the chat
COUNTER = "counter"  # a request by letter or at the counter, carried out with `aduan privacy erase`


def erase_resident(session: Session, *, reporter_id: int, now: datetime, config: FlowConfig,
                   reason: str, actor: str) -> Erased | None:
    """Erase the resident's personal data; the officers of open reports see it in the history and chat."""
    erased = erase_reporter(session.connection(), reporter_id=reporter_id, now=now, reason=reason,
                            actor=actor)
    if erased is None:
        return None
    session.expire_all()  # the rows changed under the session
    for code in erased.open_codes:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        with use_locale(config.default_locale):
            note = _("The reporter erased their personal data (UU PDP): they get no more updates and "
                     "cannot be contacted. The complaint stays open for handling.")
            change_status(session, complaint=complaint, to_status=ComplaintStatus(complaint.status),
                          actor="system", note=note, public=False, now=now)
            operator_alert(session, complaint=complaint, kind="erased", event=f"erased:{complaint.id}",
                           text=f"ℹ️ {complaint.code}: {note}", now=now, config=config, urgent=True)
    return erased
