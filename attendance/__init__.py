"""The domain: people, meetings, rosters, attendance, the gallery and its search."""
