"""Polls, ballots, proxies and opinions, tied to verified presence."""
