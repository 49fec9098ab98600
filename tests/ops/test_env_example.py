"""`.env.example` documents every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_setting_variable_is_documented():
    source = (ROOT / "ditep" / "settings.py").read_text()
    read = set(re.findall(r"env_(?:str|bool|int|list|secret)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert read, "no env_*() call found in ditep/settings.py"
    assert read - documented() == set()


def test_compose_variables_are_documented():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose)) - documented() == set()
