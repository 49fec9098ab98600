"""Forms of the agendas screens."""
