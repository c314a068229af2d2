"""Organizer profiles (penyelenggara): the kop, contacts, logo and default signatories every document reuses."""
