"""Single choice: exactly one correct choice."""

from courseware.quiz.types import ChoiceQuestion, register


@register
class Single(ChoiceQuestion):
    name = "single"

    def check(self, q, languages):
        problems = self.duplicate_ids(q["choices"], "choices")
        if len(self.correct_ids(q)) != 1:
            problems.append(
                (
                    ("choices",),
                    "a single-choice question needs exactly one correct: true",
                    "mark one choice correct, or use type: multiple",
                )
            )
        return problems

    def parse_response(self, q, form):
        value = form.get(q["id"])
        return value if value in {c["id"] for c in q["choices"]} else None

    def grade(self, q, response, lang):
        return response in self.correct_ids(q)

    def xapi_response(self, q, response):
        return str(response)
