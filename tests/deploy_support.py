"""What the deployment tests share: the files in deploy/ read as their users read them."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def production_env() -> dict[str, str]:
    """The settings in deploy/workbench.env.example, as systemd's EnvironmentFile reads them."""
    env: dict[str, str] = {}
    for line in (DEPLOY / "workbench.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def render_nginx_conf(values: dict[str, str]) -> str:
    """deploy/nginx.conf.template with every {{NAME}} filled in (each one must be given)."""
    template = (DEPLOY / "nginx.conf.template").read_text()
    wanted = set(re.findall(r"\{\{(\w+)\}\}", template))
    assert wanted == set(values), f"the template wants {sorted(wanted)}"
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    return template
