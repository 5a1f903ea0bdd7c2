"""What learning announces and asks, so that features built on it need no import back.

Each signal is sent with the current application as its sender; a feature connects
its receiver for one application when its blueprint is registered there
(``bp.record_once``), so an application without that feature never calls it.
Receivers run inside the request's unit of work: they get its session, write with it
and ``flush()``, and the request commits (or rolls back) everything at once.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import current_app

_signals = Namespace()

#: A learner completed a track: sent once, by the request that recorded it.
#: Keyword arguments: ``session``, ``user``, ``course``, ``track`` (the track's
#: data), ``lang`` and ``learner`` (its xAPI actor). Certificates are issued here.
track_completed = _signals.signal("courseware.track-completed")

#: A learner completed a module: sent once, by the request that recorded it.
#: Keyword arguments: ``session``, ``user``, ``course``, ``module_id``, ``lang``.
module_completed = _signals.signal("courseware.module-completed")

#: A quiz attempt was graded: sent once, by the request that graded it.
#: Keyword arguments: ``session``, ``user``, ``course``, ``attempt`` (the graded
#: ``QuizAttempt``: ``score`` 0..1, ``points``, ``total``, ``passed``) and ``lang``.
quiz_graded = _signals.signal("courseware.quiz-graded")

#: Which pathway a learner is shown: receivers (``session``, ``user``, ``course``)
#: answer a pathway object that narrows the course (a child's), or None.
learner_pathway = _signals.signal("courseware.learner-pathway")

#: Classes of children a teacher could assign an adult module or track to:
#: receivers (``session``, ``user``) answer a list of groups.
children_classes = _signals.signal("courseware.children-classes")


def send(signal, **kwargs: Any) -> list[Any]:
    """Send ``signal`` for the current application; its receivers' answers."""
    app = current_app._get_current_object()
    return [answer for _receiver, answer in signal.send(app, **kwargs)]
