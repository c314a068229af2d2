"""Events, their sessions (agenda) and speakers."""
