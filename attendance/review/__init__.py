"""The review queue: faces the server was unsure about, for a secretary to confirm or reject."""
