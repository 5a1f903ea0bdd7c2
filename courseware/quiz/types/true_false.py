"""True or false."""

from courseware.quiz.types import FEEDBACK, QuestionType, register


@register
class TrueFalse(QuestionType):
    name = "true-false"
    interaction_type = "true-false"
    fields = {"answer": {"type": "boolean"}, "feedback": FEEDBACK}
    required = ("answer", "feedback")

    def structure(self, q):
        return (self.name, q.get("answer"))

    def parse_response(self, q, form):
        value = form.get(q["id"])
        return {"true": True, "false": False}.get(value)

    def grade(self, q, response, lang):
        return response is q["answer"]

    def interaction(self, q):
        return {
            "interactionType": "true-false",
            "correctResponsesPattern": ["true" if q["answer"] else "false"],
        }

    def xapi_response(self, q, response):
        return "true" if response else "false"

    def correct_answer(self, q, lang):
        from flask_babel import gettext

        return gettext("True") if q["answer"] else gettext("False")
