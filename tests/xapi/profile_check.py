"""Check statements against our published xAPI profile's statement templates."""

from __future__ import annotations

import json
import re
from pathlib import Path

PROFILE = json.loads(
    (
        Path(__file__).resolve().parents[2] / "courseware" / "xapi" / "profile.jsonld"
    ).read_text()
)
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\['([^']+)'\]|\[\*\]")


def select(statement: dict, location: str) -> list:
    """Values at a JSONPath of the simple forms the profile uses."""
    values = [statement]
    for match in _STEP.finditer(location.removeprefix("$")):
        key = match.group(1) or match.group(2)
        found = []
        for value in values:
            if key is None:
                found.extend(value if isinstance(value, list) else [])
            elif isinstance(value, dict) and key in value:
                found.append(value[key])
        values = found
    return values


def templates_for(statement: dict) -> list[dict]:
    verb = statement["verb"]["id"]
    kind = statement["object"].get("definition", {}).get("type")
    return [
        t
        for t in PROFILE["templates"]
        if t["verb"] == verb and t["objectActivityType"] == kind
    ]


def violations(statement: dict) -> list[str]:
    """Why ``statement`` fits no template of the profile (empty when it fits one)."""
    candidates = templates_for(statement)
    if not candidates:
        return [
            f"no template for {statement['verb']['id']} on "
            f"{statement['object'].get('definition', {}).get('type')}"
        ]
    problems: list[str] = []
    for template in candidates:
        failed = []
        for rule in template["rules"]:
            values = select(statement, rule["location"])
            if rule["presence"] == "included" and not values:
                failed.append(f"{rule['location']} missing")
            if rule["presence"] == "excluded" and values:
                failed.append(f"{rule['location']} present")
            if "all" in rule and any(v not in rule["all"] for v in values):
                failed.append(f"{rule['location']} not in {rule['all']}")
            if "any" in rule and not any(v in rule["any"] for v in values):
                failed.append(f"{rule['location']} has none of {rule['any']}")
        if not failed:
            return []
        problems.append(f"{template['id']}: {', '.join(failed)}")
    return problems


def known_extensions() -> set[str]:
    ours = {c["id"] for c in PROFILE["concepts"] if c["type"].endswith("Extension")}
    return ours | {
        "https://w3id.org/xapi/video/extensions/" + name
        for name in (
            "session-id",
            "length",
            "time",
            "progress",
            "played-segments",
            "time-from",
            "time-to",
            "cc-subtitle-lang",
        )
    }
