"""face templates sealed at rest (AES-256-GCM under ATTEND_KEY_FILE or ATTEND_KEY)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 05:00:00

Every template written before is sealed in place, all in this migration's one transaction:
every row is sealed in memory first, so a key that cannot be had stops the upgrade before
any row is written. Downgrade opens them again (with the same keyring).
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from alembic import op

from attendance.migrate import KEYS_ATTRIBUTE
from attendance.settings import get_settings
from attendance.template_crypto import TemplateKeys, is_plain

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

ROWS = sa.text("SELECT id, person_id, dim, embedding FROM face_templates ORDER BY id")
WRITE = sa.text("UPDATE face_templates SET embedding = :embedding WHERE id = :id")


def _keys() -> TemplateKeys:
    given = op.get_context().config.attributes.get(KEYS_ATTRIBUTE)  # type: ignore[union-attr]
    return given if isinstance(given, TemplateKeys) else TemplateKeys.from_settings(get_settings())


def upgrade() -> None:
    bind = op.get_bind()
    plain = [r for r in bind.execute(ROWS).all() if is_plain(bytes(r[3]), int(r[2]))]
    if not plain:
        return
    keys = _keys()
    sealed = [
        {
            "id": r[0],
            "embedding": keys.seal(
                np.frombuffer(bytes(r[3]), dtype="<f4"), person_id=r[1], template_id=r[0]
            ),
        }
        for r in plain
    ]
    bind.execute(WRITE, sealed)


def downgrade() -> None:
    bind = op.get_bind()
    rows = [r for r in bind.execute(ROWS).all() if not is_plain(bytes(r[3]), int(r[2]))]
    if not rows:
        return
    keys = _keys()
    opened = [
        {
            "id": r[0],
            "embedding": keys.open(bytes(r[3]), person_id=r[1], template_id=r[0])
            .astype("<f4")
            .tobytes(),
        }
        for r in rows
    ]
    bind.execute(WRITE, opened)
