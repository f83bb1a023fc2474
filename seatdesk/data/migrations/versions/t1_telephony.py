"""telephony: seat_phones, the SIP address of each seat's phone (for the PBX's dial plan)

Revision ID: t1_telephony
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import seatdesk.data.models

revision = "t1_telephony"
down_revision = "0001"
branch_labels = ("telephony",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seat_phones",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sip_uri", sa.String(length=200), nullable=False),
        sa.Column("updated_at", seatdesk.data.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_seat_phones_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_seat_phones")),
    )


def downgrade() -> None:
    op.drop_table("seat_phones")
