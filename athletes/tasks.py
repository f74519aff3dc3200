"""Background tasks of the athletes app: thin, named, retry policy only."""

from __future__ import annotations

from celery import shared_task

from athletes.services.invitations import invitation_email_send


@shared_task(
    name="athletes.invitation_email_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def invitation_email_send_task(invitation_id: int, token: str) -> None:
    """Email an invitation link; does nothing once the invitation is no longer pending."""
    invitation_email_send(invitation_id=invitation_id, token=token)
