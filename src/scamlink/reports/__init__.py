"""Victim reports: the scam-type taxonomy and the report record every channel produces."""
