"""What people read for a certificate's role and status (never the raw code)."""

from __future__ import annotations

ROLE_LABELS = {"peserta": "PESERTA", "narasumber": "NARASUMBER", "moderator": "MODERATOR", "panitia": "PANITIA"}
STATUS_LABELS = {"valid": "VALID", "revoked": "DICABUT", "replaced": "DIGANTI"}
