"""Classes of children: the children's pathway, adult modules only when assigned and
without sources, the teacher's content note, and the age band in the database."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from courseware import create_app
from courseware.content.build import check_content
from courseware.db import get_session
from courseware.migrations import alembic_config
from courseware.teach.models import Group
from courseware.teach.services import groups as services
from tests.conftest import PG_URL, REPO, TEST_CONFIG, csrf_token
from tests.content.conftest import edit
from tests.teach.conftest import post, sign_in, two_module_course
from tests.teach.test_groups import CARD_RE

SOURCE_URL = "https://www.ohchr.org/en/instruments-mechanisms"
ADULT_NOTE = "Content note for teachers:"


def children_course(root: Path) -> Path:
    """The fixture course with ``second`` written for children and two kids' tracks."""
    target = two_module_course(root)
    edit(
        target,
        "modules/second/module.yaml",
        "audiences: [delegates]",
        "audiences: [children]",
    )
    tracks = "".join(
        f"  - id: children-{band}\n"
        f"    title: {{en: Children {band}, ru: Дети {band}}}\n"
        "    modules: [second]\n"
        "    completion: quizzes-passed\n"
        "    audience: children\n"
        f'    ages: "{band}"\n'
        for band in ("8-11", "12-15")
    )
    course = target / "modules" / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + tracks, encoding="utf-8")
    return target


@pytest.fixture
def course(publish, tmp_path):
    publish(children_course(tmp_path))


@pytest.fixture
def teacher(make_user):
    return make_user("teacher", role="teacher")


def new_class(client, name: str = "4A", ages: str = "8-11") -> int:
    """A class made through the teacher's form; its id."""
    made = post(
        client,
        "/teach/groups/new",
        {"name": name, "prefix": "", "timezone": "UTC", "child_ages": ages},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    return int(made.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def pupil(app, client, group_id: int):
    """A pupil account made on the login cards of the class, signed in."""
    page = post(client, f"/teach/groups/{group_id}/cards", {"count": "1"})
    username, password = CARD_RE.findall(page.get_data(as_text=True))[0]
    return sign_in(app, username, password)


def assign(client, group_id: int, item: str):
    return post(
        client,
        f"/teach/groups/{group_id}/assignments/new",
        {"item": item, "due_date": "", "due_time": ""},
        token_from=f"/teach/groups/{group_id}/assignments/new",
    )


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_schema_accepts_children_and_track_age_bands(tmp_path):
    result = check_content(children_course(tmp_path))
    assert result.ok, [str(p) for p in result.problems.errors]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('ages: "8-11"', 'ages: "7-9"', "tracks.1.ages"),
        ("audience: children", "audience: pupils", "tracks.1.audience"),
    ],
)
def test_the_schema_refuses_unknown_bands_and_audiences(tmp_path, old, new, field):
    root = children_course(tmp_path)
    edit(root, "modules/course.yaml", old, new)
    errors = [str(p) for p in check_content(root).problems.errors]
    assert len(errors) == 1 and f": {field}: " in errors[0], errors


def test_the_bundled_kids_modules_are_written_for_children():
    kids = sorted(p.parent.name for p in (REPO / "modules").glob("kids-*/module.yaml"))
    assert len(kids) == 5
    for module in kids:
        text_ = (REPO / "modules" / module / "module.yaml").read_text(encoding="utf-8")
        assert "\naudiences: [children]\n" in text_, module
    result = check_content(REPO)
    assert result.ok, [str(p) for p in result.problems.errors]
    tracks = {t["id"]: t for t in result.tree.course_data["tracks"]}
    assert tracks["children-8-11"]["ages"] == "8-11"
    assert tracks["children-12-15"]["audience"] == "children"


def test_a_teacher_marks_a_class_of_children_and_changes_its_band(
    app, client, teacher, login
):
    login(teacher)
    group_id = new_class(client, "4A", "8-11")
    overview = page(client, f"/teach/groups/{group_id}")
    assert "A class of children aged 8-11" in overview
    form = page(client, f"/teach/groups/{group_id}/edit")
    assert '<option selected value="8-11">' in form
    changed = post(
        client,
        f"/teach/groups/{group_id}/edit",
        {"name": "4A", "prefix": "4a", "timezone": "UTC", "child_ages": "12-15"},
    )
    assert changed.status_code == 302
    assert "A class of children aged 12-15" in page(client, f"/teach/groups/{group_id}")
    refused = post(
        client,
        f"/teach/groups/{group_id}/edit",
        {"name": "4A", "prefix": "4a", "timezone": "UTC", "child_ages": "5-7"},
    )
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(
        as_text=True
    )
    post(
        client,
        f"/teach/groups/{group_id}/edit",
        {"name": "4A", "prefix": "4a", "timezone": "UTC", "child_ages": ""},
    )
    with app.app_context():
        assert get_session().get(Group, group_id).child_ages is None


def test_a_meeting_cohort_is_never_a_class_of_children(app, client, teacher, login):
    login(teacher)
    made = post(
        client,
        "/teach/groups/new?kind=cohort",
        {"name": "WG", "prefix": "", "timezone": "UTC", "child_ages": "8-11"},
        token_from="/teach/groups/new?kind=cohort",
    )
    assert made.status_code == 302
    assert "child_ages" not in page(client, made.headers["Location"] + "/edit")
    with app.app_context():
        session = get_session()
        assert session.scalars(select(Group)).one().child_ages is None
        with pytest.raises(services.TeachError):
            services.create_group(
                session,
                teacher,
                kind="cohort",
                name="X",
                prefix="x",
                timezone="UTC",
                child_ages="8-11",
            )


def test_the_database_refuses_an_unknown_age_band(app, teacher, make_group):
    group = make_group(teacher, child_ages="8-11")
    with app.app_context():
        session = get_session()
        with pytest.raises(IntegrityError):
            session.execute(
                text("UPDATE courseware_group SET child_ages = '5-7' WHERE id = :id"),
                {"id": group.id},
            )
            session.flush()
        session.rollback()


def test_a_child_sees_the_childrens_track_of_their_band_only(
    app, client, course, teacher, make_user, login
):
    login(teacher)
    child = pupil(app, client, new_class(client, "4A", "8-11"))
    catalogue = page(child, "/")
    assert "/tracks/children-8-11" in catalogue
    assert "/tracks/children-12-15" not in catalogue
    assert "/tracks/delegates" not in catalogue
    assert "/modules/second" in catalogue and "/modules/sample" not in catalogue
    assert "Your modules" in catalogue
    progress = page(child, "/progress")
    assert "/tracks/children-8-11" in progress and "/modules/sample" not in progress
    # An adult learner still sees every track and module.
    make_user("adult")
    adult = sign_in(app, "adult")
    everything = page(adult, "/")
    for path in ("/tracks/delegates", "/tracks/children-8-11", "/modules/sample"):
        assert path in everything


def test_an_unassigned_adult_module_is_out_of_a_childs_reach(
    app, client, course, teacher, login
):
    login(teacher)
    child = pupil(app, client, new_class(client, "4A", "12-15"))
    assert "/tracks/children-12-15" in page(child, "/")
    for path in ("/modules/sample", "/modules/sample/intro", "/tracks/delegates"):
        assert "This part is for adults" in page(child, path, 403)
    assert "Complete and continue" in page(child, "/modules/second/intro")


def test_an_assigned_adult_module_is_reachable_and_shows_no_sources(
    app, client, course, teacher, make_user, login
):
    login(teacher)
    group_id = new_class(client)
    child = pupil(app, client, group_id)
    assert assign(client, group_id, "module:sample").status_code == 302
    catalogue = page(child, "/")
    assert "/modules/sample" in catalogue
    assert "Your teacher gave you this module." in catalogue
    module = page(child, "/modules/sample")
    assert 'id="sources"' not in module and SOURCE_URL not in module
    for _ in range(2):  # first visit, then the reload from the skeleton
        lesson = page(child, "/modules/sample/intro")
        assert "Complete and continue" in lesson and "#sources" not in lesson
    app.config["COURSEWARE_PAGE_CACHE"] = False
    assert "#sources" not in page(child, "/modules/sample/intro")
    app.config["COURSEWARE_PAGE_CACHE"] = True
    # Children's modules keep their sources; adults keep theirs everywhere.
    assert 'id="sources"' in page(child, "/modules/second")
    assert "#sources" in page(child, "/modules/second/intro")
    make_user("adult")
    adult = sign_in(app, "adult")
    assert SOURCE_URL in page(adult, "/modules/sample")
    assert "#sources" in page(adult, "/modules/sample/intro")


def test_an_assigned_track_for_adults_is_reachable(app, client, course, teacher, login):
    login(teacher)
    group_id = new_class(client)
    child = pupil(app, client, group_id)
    assign(client, group_id, "track:delegates")
    assert "/tracks/delegates" in page(child, "/")
    assert "/modules/sample" in page(child, "/tracks/delegates")
    assert 'id="sources"' not in page(child, "/modules/sample")


def test_the_teacher_sees_the_content_note(app, client, course, teacher, login):
    login(teacher)
    group_id = new_class(client, "4A")
    form = page(client, f"/teach/groups/{group_id}/assignments/new")
    order = [
        form.index(label)
        for label in (
            'label="Modules written for children"',
            'label="Tracks written for children"',
            'label="Modules written for adults"',
            'label="Tracks written for adults"',
        )
    ]
    assert order == sorted(order)
    assert form.index('value="track:children-8-11"') < form.index(
        'value="track:children-12-15"'
    )
    assigned = client.post(
        f"/teach/groups/{group_id}/assignments/new",
        data={
            "csrf_token": csrf_token(
                client, f"/teach/groups/{group_id}/assignments/new"
            ),
            "item": "module:sample",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Content note: Sample module is written for adults." in assigned
    overview = page(client, f"/teach/groups/{group_id}")
    assert overview.count("Content note: written for adults.") == 1
    module = page(client, "/modules/sample")
    assert ADULT_NOTE in module and "(4A)" in module
    assert re.search(r'<a href="/modules/second">Second module</a>', module)
    assert ADULT_NOTE not in page(client, "/modules/second")
    assert "this track is written for adults." in page(client, "/tracks/delegates")
    assert ADULT_NOTE not in page(client, "/tracks/children-8-11")
    edit_page = page(client, f"/teach/groups/{group_id}/assignments/1/edit")
    assert ADULT_NOTE in edit_page
    # A children's module carries no note; an adult class gets none either.
    assign(client, group_id, "module:second")
    overview = page(client, f"/teach/groups/{group_id}")
    assert overview.count("Content note: written for adults.") == 1
    adults = new_class(client, "9C", "")
    assign(client, adults, "module:sample")
    assert "Content note" not in page(client, f"/teach/groups/{adults}")
    assert 'label="Modules"' in page(client, f"/teach/groups/{adults}/assignments/new")


def test_authorisation_is_unchanged(app, client, course, teacher, make_user, login):
    login(teacher)
    group_id = new_class(client, "4A")
    child = pupil(app, client, group_id)
    make_user("other", role="teacher")
    other = sign_in(app, "other")
    for path in ("", "/edit", "/assignments/new", "/cards", "/dashboard"):
        assert other.get(f"/teach/groups/{group_id}{path}").status_code == 404
    assert ADULT_NOTE not in page(other, "/modules/sample")  # no classes of children
    assert child.get(f"/teach/groups/{group_id}").status_code == 403


def migrated_url(tmp_path) -> tuple[str, object]:
    """A fresh database for the migration test and how to drop it afterwards."""
    if not PG_URL:
        return f"sqlite:///{tmp_path}/m.db", lambda: None
    schema = f"cw_mig_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", drop


def test_migration_0009_downgrades_and_upgrades_again(tmp_path):
    url, drop = migrated_url(tmp_path)
    app = create_app({**TEST_CONFIG, "COURSEWARE_DATABASE_URL": url})
    engine = create_engine(url)

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("courseware_group")}

    try:
        with app.app_context():
            config = alembic_config()
            command.upgrade(config, "head")
            assert "child_ages" in columns()
            command.downgrade(config, "0008_one_of_each")
            assert "child_ages" not in columns()
            command.upgrade(config, "head")
            assert "child_ages" in columns()
    finally:
        engine.dispose()
        app.extensions["courseware"].engine.dispose()
        drop()
