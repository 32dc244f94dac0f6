"""Data functions for agencies, operators and their one-time invites."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.models import Agency, Complaint, Invite, Operator, OperatorRole

INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
INVITE_LENGTH = 10


def get_agency(session: Session, *, code: str) -> Agency | None:
    """The agency with this code (case-insensitive)."""
    return session.exec(select(Agency).where(Agency.code == code.strip().upper())).first()


def add_agency(session: Session, *, code: str, name: str, now: datetime,
               categories: list[str] | None = None) -> Agency:
    """Register an agency, with the categories it handles; its code is kept in capitals."""
    agency = Agency(code=code.strip().upper(), name=name.strip(), created_at=now,
                    categories=",".join(categories) if categories else None)
    session.add(agency)
    session.flush()
    return agency


def categories_of(agency: Agency) -> list[str]:
    """The categories an agency handles."""
    return [c for c in (agency.categories or "").split(",") if c]


def agencies_for(session: Session, *, category: str) -> list[Agency]:
    """The agencies that handle `category`, by code."""
    return [a for a in list_agencies(session) if category in categories_of(a)]


def list_agencies(session: Session) -> list[Agency]:
    """Every agency, by code."""
    return list(session.exec(select(Agency).order_by(col(Agency.code))))


def agency_codes(connection: Connection) -> dict[int, str]:
    """Every agency's code by its id."""
    table = Agency.__table__  # type: ignore[attr-defined]
    return {agency_id: code for agency_id, code in connection.execute(sa.select(table.c.id, table.c.code))}


def find_operator(session: Session, *, channel: str, external_id: str) -> Operator | None:
    """The active operator behind this chat account, if it is one."""
    return session.exec(select(Operator).where(
        Operator.channel == channel, Operator.external_id == external_id, col(Operator.active).is_(True)
    )).first()


def add_operator(
    session: Session, *, external_id: str, name: str, role: OperatorRole, agency_id: int | None,
    now: datetime, channel: str = "telegram",
) -> Operator:
    """Register (or re-activate and update) an operator."""
    operator = session.exec(select(Operator).where(
        Operator.channel == channel, Operator.external_id == external_id)).first()
    if operator is None:
        operator = Operator(channel=channel, external_id=external_id, name=name, role=role.value,
                            agency_id=agency_id, created_at=now)
    else:
        operator.name, operator.role, operator.agency_id, operator.active = name, role.value, agency_id, True
    session.add(operator)
    session.flush()
    return operator


def list_operators(session: Session) -> list[Operator]:
    """Every active operator, admins first."""
    return list(session.exec(select(Operator).where(col(Operator.active).is_(True))
                             .order_by(col(Operator.role), col(Operator.name))))


def remove_operator(session: Session, *, external_id: str, channel: str = "telegram") -> bool:
    """Take away an operator's rights (the row stays, for the history it signed)."""
    operator = find_operator(session, channel=channel, external_id=external_id)
    if operator is None:
        return False
    operator.active = False
    session.add(operator)
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def create_invite(
    session: Session, *, role: OperatorRole, agency_id: int | None, now: datetime, valid_for: timedelta
) -> str:
    """A new one-time invite code; only its hash is stored."""
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    session.add(Invite(code_hash=_hash(code), role=role.value, agency_id=agency_id,
                       expires_at=now + valid_for, created_at=now))
    return code


def redeem_invite(
    session: Session, *, code: str, external_id: str, name: str, now: datetime, channel: str = "telegram"
) -> Operator | None:
    """Make the redeemer an operator; None when the code is unknown, used or expired."""
    invite = session.exec(select(Invite).where(Invite.code_hash == _hash(code))).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    operator = add_operator(session, external_id=external_id, name=name, role=OperatorRole(invite.role),
                            agency_id=invite.agency_id, now=now, channel=channel)
    invite.used_at, invite.used_by = now, operator.id
    session.add(invite)
    return operator


def handlers_of(session: Session, *, complaint: Complaint) -> list[Operator]:
    """The operators who handle a complaint: its agency's, or the admin desk's before forwarding."""
    query = select(Operator).where(col(Operator.active).is_(True))
    if complaint.agency_id is not None:
        query = query.where(Operator.agency_id == complaint.agency_id)
    else:
        query = query.where(Operator.role == OperatorRole.ADMIN.value)
    return list(session.exec(query.order_by(col(Operator.id))))
