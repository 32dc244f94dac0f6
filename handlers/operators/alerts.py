"""The alert the admin desk gets for every new complaint."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from handlers import categories
from handlers.i18n import _, use_locale
from handlers.prompts import area_lines
from handlers.turn import FlowConfig, Turn
from storage.access_log import record_access
from storage.complaints import photos_of
from storage.media import MediaStore
from storage.models import Complaint
from storage.outbox import enqueue

log = logging.getLogger(__name__)


def new_complaint(turn: Turn, complaint: Complaint) -> None:
    """Queue the summary, first photo and verify/archive buttons for the admin desk, if one is set."""
    alert_desk(turn.session, complaint=complaint, config=turn.config, media=turn.media, now=turn.now)


def alert_desk(session: Session, *, complaint: Complaint, config: FlowConfig, media: MediaStore,
               now: datetime) -> None:
    """Queue the new-complaint alert for the admin desk, whatever channel the complaint came from."""
    log.info("complaint filed", extra={"complaint": complaint.code, "channel": complaint.channel})
    chat = config.operator_chat_id
    if not chat or complaint.id is None:
        return
    photos = photos_of(session, complaint_id=complaint.id)
    with use_locale(config.default_locale):
        place = complaint.address or (f"📍 {complaint.latitude:.5f}, {complaint.longitude:.5f}"
                                      if complaint.latitude is not None and complaint.longitude is not None
                                      else "-")
        text = "\n".join([
            (_("🆕 New complaint {code} 🚩 outside the area: check whose authority it is")
             if complaint.outside_area else _("🆕 New complaint {code}")).format(code=complaint.code),
            _("Category: {category}").format(category=categories.label(complaint.category)),
            _("Address: {value}").format(value=place),
            *area_lines(complaint.kelurahan, complaint.kecamatan, complaint.outside_area),
            _("Description: {value}").format(value=complaint.description),
            _("Details: /lihat {code}").format(code=complaint.code),
        ])
        buttons = [[(_("✅ Verify"), f"opv:{complaint.code}"), (_("🗄 Archive"), f"opa:{complaint.code}")]]
    record_access(session, complaint_ids=[complaint.id], actor=f"desk:{chat}", action="alert",
                  data=("address", "location", "description", "photos"), now=now)
    enqueue(session, channel="telegram", chat_id=chat, text=text, kind="new_complaint",
            dedupe_key=f"new:{complaint.code}", due_at=now, buttons=buttons, urgent=True,
            complaint_id=complaint.id,
            photo_path=str(media.full_path(photos[0].path)) if photos else None)
