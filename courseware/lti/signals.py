"""What the LTI launch announces to the Advantage services (grades, rosters)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A launch was validated and its learner signed in. Keyword arguments: ``session``,
#: ``user``, ``launch`` (the ``LtiLaunch`` row) and ``claims`` (the id_token's claims).
launched = _signals.signal("courseware.lti-launched")
