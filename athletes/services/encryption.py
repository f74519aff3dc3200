"""Key rotation for secrets encrypted at rest (DESIGN §5): every `EncryptedTextField` column
and allauth's MFA secrets are re-encrypted with the newest key of FERNET_KEYS.

Runbook: put the new key first in FERNET_KEYS (keep the old ones), deploy, run
`manage.py rotate_encryption_keys`, check it reports no failures, then drop the old keys.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from core import crypto
from core.fields import EncryptedTextField

logger = logging.getLogger(__name__)

FAILED = "failed"
MFA_LABEL = "mfa.Authenticator.data"
DEFAULT_BATCH_SIZE = 500


def encryption_rotate(*, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, int]:
    """Re-encrypt every stored secret with the newest key; counts of values rotated per column.

    `"failed"` counts values no configured key decrypts: they are left untouched (and logged by
    model and primary key, never by value). Idempotent: running it again only re-encrypts.
    """
    counts: dict[str, int] = {FAILED: 0}
    for model, field in encrypted_fields():
        rotated, failed = _rotate_column(model, field, batch_size)
        counts[f"{model._meta.label}.{field.name}"] = rotated
        counts[FAILED] += failed
    if apps.is_installed("allauth.mfa"):
        rotated, failed = _rotate_mfa(batch_size)
        counts[MFA_LABEL] = rotated
        counts[FAILED] += failed
    return counts


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every (concrete model, field) pair whose field is an `EncryptedTextField`."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def _pk_batches(queryset: models.QuerySet[Any], batch_size: int) -> Iterator[list[Any]]:
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        yield pks[start : start + batch_size]


def _raw(token: str) -> models.Value:
    """A value written as-is, bypassing the field's encryption on save."""
    return models.Value(token, output_field=models.TextField())


def _rotate_column(
    model: type[models.Model], field: EncryptedTextField, batch_size: int
) -> tuple[int, int]:
    """Rotate one column in atomic batches; returns (rotated, failed)."""
    manager = model._base_manager
    rotated = failed = 0
    for pks in _pk_batches(manager.exclude(**{f"{field.attname}__isnull": True}), batch_size):
        with transaction.atomic():
            rows = (
                manager.select_for_update()
                .filter(pk__in=pks)
                .annotate(_ciphertext=Cast(field.attname, models.TextField()))
                .values_list("pk", "_ciphertext")
            )
            for pk, ciphertext in rows:
                if not ciphertext:
                    continue
                try:
                    new = crypto.rotate(ciphertext)
                except crypto.DecryptionError:
                    logger.error("Cannot decrypt %s.%s pk=%s", model._meta.label, field.name, pk)
                    failed += 1
                    continue
                manager.filter(pk=pk).update(**{field.attname: _raw(new)})
                rotated += 1
    return rotated, failed


def _rotate_mfa_data(data: dict[str, Any]) -> dict[str, Any]:
    """allauth stores the TOTP `secret`, the recovery-code `seed` and `migrated_codes` encrypted
    through MFA_ADAPTER (our MFAAdapter, i.e. `core.crypto`); WebAuthn data is public."""
    data = dict(data)
    for key in ("secret", "seed"):
        if data.get(key):
            data[key] = crypto.rotate(data[key])
    if data.get("migrated_codes"):
        data["migrated_codes"] = [crypto.rotate(code) for code in data["migrated_codes"]]
    return data


def _rotate_mfa(batch_size: int) -> tuple[int, int]:
    """Rotate allauth MFA authenticators (TOTP and recovery codes); returns (rotated, failed)."""
    from allauth.mfa.models import Authenticator

    types = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    manager = Authenticator.objects
    rotated = failed = 0
    for pks in _pk_batches(manager.filter(type__in=types), batch_size):
        with transaction.atomic():
            for pk, data in (
                manager.select_for_update().filter(pk__in=pks).values_list("pk", "data")
            ):
                try:
                    new = _rotate_mfa_data(data)
                except crypto.DecryptionError:
                    logger.error("Cannot decrypt mfa.Authenticator pk=%s", pk)
                    failed += 1
                    continue
                manager.filter(pk=pk).update(data=new)
                rotated += 1
    return rotated, failed
