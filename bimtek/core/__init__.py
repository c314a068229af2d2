"""Cross-cutting pieces shared by every feature: audit log, jobs, time."""
