"""Certificates: issued on track completion, printed to PDF with a signed QR code that
verifies offline, checked on a public page, revoked, re-issued with a corrected name."""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from courseware.certificates.models import Certificate
from courseware.db import get_session
from tests.conftest import PASSWORD, csrf_token
from tests.xapi.conftest import journey


def certificate_of(app) -> Certificate:
    with app.app_context():
        return (
            get_session()
            .scalars(select(Certificate).order_by(Certificate.id.desc()))
            .first()
        )


@pytest.fixture
def finished(app, make_user, publish):
    """A learner who completed the delegates track of the fixture course."""
    return journey(app, make_user, publish)


def name_it(client, code: str, name: str):
    token = csrf_token(client, f"/certificates/{code}")
    return client.post(
        f"/certificates/{code}", data={"name": name, "csrf_token": token}
    )


def test_completing_the_track_issues_one_certificate(app, finished, outbox):
    certificate = certificate_of(app)
    assert certificate.track_id == "delegates" and certificate.version == 1
    assert re.fullmatch(
        r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", certificate.code
    )
    assert certificate.name is None and certificate.payload is None
    (earned,) = outbox("earned")
    assert earned["object"]["id"].endswith("/track/delegates/certificate")
    assert certificate.code not in str(earned)
    page = finished.get("/certificates").get_data(as_text=True)
    assert certificate.code in page and "Choose the name to print" in page


def pdf_text_and_qr(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-singlefile",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return text, decoded


def test_pdf_text_and_qr_code_verify_offline(app, finished, tmp_path, runner):
    code = certificate_of(app).code
    assert name_it(finished, code, "Amina Kowalska-Ndiaye").status_code == 302
    response = finished.get(f"/certificates/{code}/certificate.pdf")
    assert response.mimetype == "application/pdf"
    text, url = pdf_text_and_qr(response.data, tmp_path)
    assert "Amina Kowalska-Ndiaye" in text and "Delegates" in text
    assert code in text and "Completed on" in text
    assert re.search(r"Completed on \w+ \d{1,2}, \d{4}", text)
    assert url.startswith(f"http://127.0.0.1:5000/verify/{code}?p=COP1.")
    payload = parse_qs(urlsplit(url).query)["p"][0]

    key = tmp_path / "public.pem"
    key.write_text(
        runner.invoke(args=["courseware", "certificate", "public-key"]).output
    )
    image = tmp_path / "page.png"
    result = runner.invoke(
        args=[
            "courseware",
            "certificate",
            "verify",
            str(image),
            "--public-key",
            str(key),
            "--offline",
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "valid signature: Amina Kowalska-Ndiaye completed the "
        "track 'Delegates' (delegates)"
    )
    # One changed byte in the claims: the signature no longer matches.
    head, claims, signature = payload.split(".")
    flipped = claims[:10] + ("A" if claims[10] != "A" else "B") + claims[11:]
    tampered = runner.invoke(
        args=[
            "courseware",
            "certificate",
            "verify",
            f"{head}.{flipped}.{signature}",
            "--public-key",
            str(key),
            "--offline",
        ]
    )
    assert tampered.exit_code == 1 and "INVALID: the signature does not match" in (
        tampered.output
    )
    online = runner.invoke(args=["courseware", "certificate", "verify", url])
    assert "valid and not revoked" in online.output


def test_verification_page_shows_only_what_it_proves(app, finished, client):
    code = certificate_of(app).code
    name_it(finished, code, "Amina K.")
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "This certificate is valid." in page and "Amina K." in page
    main = page.split('<main id="content"', 1)[1].split("</main>", 1)[0]
    facts = re.findall(r"<dt>(.*?)</dt>", main)
    assert facts == ["Name as printed", "Track", "Completed on", "Verification code"]
    assert "amina-k" not in main  # no username, no email, no progress
    assert client.get(f"/verify/{code.lower().replace('-', '')}").status_code == 200
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    russian = client.get(f"/verify/{code}", headers={"Accept-Language": "ru"})
    assert "Делегаты" in russian.get_data(as_text=True)


def test_lookups_are_rate_limited(app, client):
    for _ in range(30):
        assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 429


def test_revocation_shows_on_the_page_and_in_the_cli(
    app, finished, client, make_user, login, runner
):
    code = certificate_of(app).code
    name_it(finished, code, "Amina K.")
    make_user("admin1", role="admin")
    login("admin1")
    token = csrf_token(client, f"/certificates/{code}/revoke")
    response = client.post(
        f"/certificates/{code}/revoke",
        data={"reason": "Issued by mistake", "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "This certificate has been revoked." in page
    url = certificate_of(app)
    result = runner.invoke(args=["courseware", "certificate", "verify", url.payload])
    assert result.exit_code == 2 and "REVOKED" in result.output
    assert "Issued by mistake" in result.output


def test_only_administrators_and_organisers_may_revoke(app, finished, make_user):
    code = certificate_of(app).code
    other = app.test_client()
    make_user("teacher9", role="teacher")
    token = csrf_token(other, "/login")
    other.post(
        "/login",
        data={"username": "teacher9", "password": PASSWORD, "csrf_token": token},
    )
    assert other.get(f"/certificates/{code}/revoke").status_code == 404
    assert (
        finished.get(f"/certificates/{code}/revoke").status_code == 404
    )  # nor the holder


def test_a_name_correction_reissues_and_keeps_the_history(app, finished, client):
    old = certificate_of(app).code
    name_it(finished, old, "Amina Kowalska")
    response = name_it(finished, old, "Amina Kowalska-Ndiaye")
    new = certificate_of(app)
    assert response.headers["Location"] == f"/certificates/{new.code}"
    assert new.code != old and new.name == "Amina Kowalska-Ndiaye"
    old_page = client.get(f"/verify/{old}").get_data(as_text=True)
    assert "This certificate has been revoked." in old_page
    assert "This certificate is valid." in client.get(f"/verify/{new.code}").get_data(
        as_text=True
    )
    with app.app_context():
        rows = get_session().scalars(select(Certificate)).all()
        assert len(rows) == 2 and rows[1].replaces_id == rows[0].id
        assert "after a name correction" in rows[0].revoke_reason


def test_another_learner_cannot_open_my_certificate(app, finished, make_user):
    code = certificate_of(app).code
    other = app.test_client()
    make_user("someone")
    token = csrf_token(other, "/login")
    other.post(
        "/login",
        data={"username": "someone", "password": PASSWORD, "csrf_token": token},
    )
    assert other.get(f"/certificates/{code}").status_code == 404
    assert other.get(f"/certificates/{code}/certificate.pdf").status_code == 404


@pytest.mark.parametrize(
    "lang,expected",
    [("en", "Certificate of completion"), ("ru", "Сертификат"), ("ar", None)],
)
def test_pdfs_in_english_russian_and_arabic(
    app, make_user, publish, tmp_path, lang, expected
):
    client = journey(app, make_user, publish)
    token = csrf_token(client, "/")
    client.post("/language", data={"language": lang, "csrf_token": token})
    certificate = certificate_of(app)
    with app.app_context():
        row = get_session().get(Certificate, certificate.id)
        row.language = lang
        get_session().commit()
    name = {"en": "Amina Kowalska", "ru": "Анна Петрова", "ar": "أمينة الحسيني"}[lang]
    name_it(client, certificate.code, name)
    pdf = client.get(f"/certificates/{certificate.code}/certificate.pdf").data
    text, url = pdf_text_and_qr(pdf, tmp_path)
    assert url.startswith("http://127.0.0.1:5000/verify/")
    assert certificate.code in text
    if expected:
        assert expected in text and name in text
    shutil.copy(tmp_path / "page.png", f"/tmp/certificate-{lang}.png")


def test_the_cohort_organiser_may_revoke_a_members_certificate(
    app, finished, make_user, client, login
):
    from courseware.teach.models import Membership
    from courseware.teach.services import groups as teach

    code = certificate_of(app).code
    organiser = make_user("organiser", role="teacher")
    with app.app_context():
        session = get_session()
        holder = certificate_of(app).user_id
        cohort = teach.create_group(
            session,
            organiser,
            kind="cohort",
            name="WG 2026",
            prefix="wg",
            timezone="UTC",
        )
        session.add(Membership(group_id=cohort.id, user_id=holder, via="code"))
        session.commit()
    login(organiser)
    assert client.get(f"/certificates/{code}/revoke").status_code == 200
    token = csrf_token(client, f"/certificates/{code}/revoke")
    client.post(
        f"/certificates/{code}/revoke",
        data={"reason": "Did not attend the training", "csrf_token": token},
    )
    assert certificate_of(app).revoked
