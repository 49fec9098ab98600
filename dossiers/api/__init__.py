"""REST API of the dossiers app: jeunes, dossiers (with the lifecycle steps as actions), parcours, proches,
documents (metadata) and partenaires. Registered on the v1 router by ``ditep/api_urls.py``."""
