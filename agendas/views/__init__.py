"""Views of the agendas app, one module per area (each area owns its module and templates)."""
