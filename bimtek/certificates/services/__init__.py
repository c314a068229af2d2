"""Certificate services, one module per task; they flush and never commit.

storage, settings, images, eligibility, holders, issuing (also revoke and re-issue), jobs (starting a bulk
issue), verification, delivery (downloads, repair of a missing file), register, tte, preview. The one place
that commits per batch is the issuing runner in tasks.py, because a bulk issue must survive a crash halfway
with everything before the crash kept.
"""
