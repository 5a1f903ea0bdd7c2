"""Fill in the blank: accepted answers per language; case and spacing rules."""

from courseware.quiz.types import FEEDBACK, QuestionType, normalise_text, register


@register
class FillIn(QuestionType):
    name = "fill-in"
    interaction_type = "fill-in"
    fields = {
        "answers": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "minLength": 1},
            },
        },
        "case_sensitive": {"type": "boolean"},
        "feedback": FEEDBACK,
    }
    required = ("answers", "feedback")

    def texts(self, q):
        return [*super().texts(q), ("answers", ("answers",), q.get("answers") or {})]

    def check(self, q, languages):
        missing = [lang for lang in languages if lang not in (q.get("answers") or {})]
        return [
            (
                ("answers",),
                f"no accepted answers in {lang!r}",
                f"add `{lang}: [...]` under answers",
            )
            for lang in missing
        ]

    def parse_response(self, q, form):
        value = (form.get(q["id"]) or "").strip()
        return value[:500] or None

    def accepted(self, q, lang):
        answers = q["answers"]
        return answers.get(lang) or answers.get("en") or next(iter(answers.values()))

    def grade(self, q, response, lang):
        case = bool(q.get("case_sensitive"))
        given = normalise_text(response or "", case)
        # An answer in any language counts: a learner may switch language mid-quiz.
        every = [a for values in q["answers"].values() for a in values]
        return any(given == normalise_text(a, case) for a in every)

    def interaction(self, q):
        prefix = (
            "{case_matters=true}" if q.get("case_sensitive") else "{case_matters=false}"
        )
        every = [a for values in q["answers"].values() for a in values]
        return {
            "interactionType": "fill-in",
            "correctResponsesPattern": [prefix + a for a in dict.fromkeys(every)],
        }

    def xapi_response(self, q, response):
        return str(response or "")

    def correct_answer(self, q, lang):
        return " / ".join(self.accepted(q, lang))
