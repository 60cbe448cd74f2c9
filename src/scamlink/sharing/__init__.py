"""Who may see what: agencies, TLP 2.0 markings and the visibility policy."""
