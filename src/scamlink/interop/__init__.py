"""File formats spoken with the outside world."""
