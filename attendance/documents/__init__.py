"""A meeting's documents: files for the delegates, attached to the meeting or an agenda item,
kept in versions, read by staff and by delegates through their voting link (issue 14)."""
