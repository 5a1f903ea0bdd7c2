"""P2: bytes transferred per page type, gzip as a browser asks for it, media excluded.

Counts the HTML plus every stylesheet and script the page loads (a first visit, empty
cache), for the catalogue, every lesson of the bundled course, a quiz attempt and a
result. Run: ``.venv/bin/python bench/page_weight.py``. Target: each page <= 60 KB.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LIMIT = 60 * 1024
ASSET = re.compile(
    r'<(?:link rel="(?:stylesheet|icon)"|script type="module") '
    r'(?:href|src)="([^"]+)"'
)


def weigh(client, path: str, **kwargs) -> tuple[int, int, str]:
    """(HTML bytes, asset bytes) as transferred, and the page's text."""
    headers = {"Accept-Encoding": "gzip", "Accept-Language": "en"}
    response = client.get(path, headers=headers, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    html = len(response.data)
    text = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assets = 0
    for url in set(ASSET.findall(text)):
        with client.get(url.replace("&amp;", "&"), headers=headers) as asset:
            assets += len(asset.data)
    return html, assets, text


def main() -> None:
    work = tempfile.mkdtemp(prefix="weight-")
    os.environ.update(
        COURSEWARE_DATABASE_URL=f"sqlite:///{work}/w.sqlite3",
        COURSEWARE_SECRET_KEY="bench",
    )
    from courseware import create_app

    app = create_app(
        {
            "COURSEWARE_ARGON2_TIME_COST": 1,
            "COURSEWARE_ARGON2_MEMORY_COST": 8192,
            "COURSEWARE_ARGON2_PARALLELISM": 1,
        }
    )
    runner = app.test_cli_runner()
    for args in (
        ["db", "upgrade"],
        ["content", "publish", "--note", "weight"],
        ["create-user", "--username", "reader", "--password", "reader-password"],
    ):
        result = runner.invoke(args=["courseware", *args])
        assert result.exit_code == 0, result.output
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"username": "reader", "password": "reader-password", "csrf_token": token},
    )
    rows = [("catalogue", "/")]
    with app.app_context():
        from courseware.content.runtime import active_course

        course = active_course()
        for module_id in course.modules:
            for lesson_id in course.lesson_ids(module_id):
                rows.append(
                    (
                        f"lesson {module_id}/{lesson_id}",
                        f"/modules/{module_id}/{lesson_id}",
                    )
                )
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        client.get("/").get_data(as_text=True),
    ).group(1)
    start = client.post("/quizzes/childrens-rights/start", data={"csrf_token": token})
    attempt = start.headers["Location"]
    rows.append(("quiz attempt", attempt))
    rows.append(("quiz result", attempt + "/result"))
    worst: dict[str, int] = {}
    print(f"{'page':<50} {'HTML':>8} {'CSS+JS':>8} {'total':>8}")
    for name, path in rows:
        if name == "quiz result":
            client.post(
                attempt + "/save", data={"csrf_token": token, "action": "submit"}
            )
        html, assets, _ = weigh(client, path)
        total = html + assets
        kind = name.split()[0]
        worst[kind] = max(worst.get(kind, 0), total)
        print(f"{name:<50} {html:>8} {assets:>8} {total:>8}")
    print("\nheaviest per page type (bytes, gzip):")
    for kind, total in worst.items():
        verdict = "ok" if total <= LIMIT else "OVER"
        print(
            f"  {kind:<10} {total:>7}  ({total / 1024:.1f} KB, limit 60 KB: {verdict})"
        )


if __name__ == "__main__":
    main()
