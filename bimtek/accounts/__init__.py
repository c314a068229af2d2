"""Staff accounts, roles, event assignments and API tokens."""
