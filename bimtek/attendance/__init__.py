"""Online attendance and eligibility: Zoom reports and webhooks, presensi, verdicts (issue 5)."""
