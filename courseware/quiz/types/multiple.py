"""Multiple choice: two or more correct choices; only the exact set is correct."""

from courseware.quiz.types import ChoiceQuestion, register


@register
class Multiple(ChoiceQuestion):
    name = "multiple"

    def check(self, q, languages):
        problems = self.duplicate_ids(q["choices"], "choices")
        if len(self.correct_ids(q)) < 2:
            problems.append(
                (
                    ("choices",),
                    "a multiple-choice question needs two or more correct: true",
                    "mark more choices correct, or use type: single",
                )
            )
        return problems

    def parse_response(self, q, form):
        valid = [c["id"] for c in q["choices"]]
        chosen = set(form.getlist(q["id"]))
        picked = [cid for cid in valid if cid in chosen]
        return picked or None

    def grade(self, q, response, lang):
        return set(response or []) == set(self.correct_ids(q))

    def xapi_response(self, q, response):
        return "[,]".join(response or [])
