"""Background tasks of the athletes app: thin, named; outbox subscribers (config/wiring.py)."""

from __future__ import annotations

from athletes.services.invitations import invitation_email_send
from core.events import InvitationCreated
from core.outbox import subscriber


@subscriber("athletes.invitation_email_send")
def invitation_email_send_task(event: InvitationCreated) -> None:
    """Email an invitation link once; nothing once the invitation is no longer pending."""
    invitation_email_send(invitation_id=event.invitation_id)
