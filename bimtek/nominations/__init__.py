"""Agency nominations with quotas: invited agencies, their PICs' private links, nominees, surat tugas."""
