"""Every write of the agendas app goes through these services (keyword-only, atomic, audited)."""
