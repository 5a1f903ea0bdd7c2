"""The test LMS's own pages, for browser tests: a course page embedding the tool.

The login initiation is posted by a form whose target is the iframe, as Moodle does
for "embed" links, so the whole launch happens inside the iframe.
"""

from __future__ import annotations

from flask import Flask, render_template_string, request

from . import claims as c
from .tokens import PlatformError

COURSE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ course.title }}: {{ heading }} - Test LMS</title></head>
<body><header><p>Test LMS</p></header>
<main><h1>{{ course.title }}: {{ heading }}</h1>
<form id="lti-launch" method="post" action="{{ action }}" target="tool-frame">
{% for name, value in fields.items() %}
<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}
<noscript><button type="submit">Open the tool</button></noscript>
</form>
<iframe id="tool-frame" name="tool-frame" title="{{ heading }}" src="about:blank"
 width="100%" height="900" allow="fullscreen; microphone; camera"></iframe>
</main>
<script>document.getElementById("lti-launch").submit();</script>
</body></html>
"""

RETURN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in the Test LMS</title></head>
<body><main><h1>Back in the course</h1>
{% if msg %}<p id="lti-msg">{{ msg }}</p>{% endif %}</main></body></html>
"""


def register(app: Flask, platform) -> None:
    """Add the course pages and the launch-presentation return page to ``app``."""
    records = platform.records

    def course_of(context_id: str):
        with records.lock:
            course = records.courses.get(context_id)
            known = request.args.get("user") in records.users
        if course is None:
            raise PlatformError(404, "not_found", f"no course {context_id!r}")
        if not known:
            raise PlatformError(400, "invalid_request", "?user= must be a known user")
        return course

    @app.get("/lms/course/<context_id>/link/<rl_id>")
    def link_page(context_id: str, rl_id: str):
        course = course_of(context_id)
        with records.lock:
            link = records.links.get(rl_id)
        if link is None or link.context_id != context_id:
            raise PlatformError(404, "not_found", f"no link {rl_id!r} in this course")
        action, fields = platform.login_form(request.args["user"], rl_id)
        return render_template_string(
            COURSE_PAGE,
            course=course,
            heading=link.title or rl_id,
            action=action,
            fields=fields,
        )

    @app.get("/lms/course/<context_id>/deep-link")
    def deep_link_page(context_id: str):
        course = course_of(context_id)
        action, fields = platform.login_form(
            request.args["user"],
            None,
            c.DEEP_LINKING_REQUEST,
            context_id=context_id,
        )
        return render_template_string(
            COURSE_PAGE,
            course=course,
            heading="Add an activity",
            action=action,
            fields=fields,
        )

    @app.get("/lms/return")
    def return_page():
        return render_template_string(RETURN_PAGE, msg=request.args.get("lti_msg"))
