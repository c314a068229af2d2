"""Pengingat: scheduled reminders per event (email and WhatsApp), sent once each by the job consumer."""
