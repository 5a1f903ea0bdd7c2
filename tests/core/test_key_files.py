"""Two processes starting at once on an empty instance folder agree on one secret key
and one certificate key (created whole, once, never half-written)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.conftest import REPO

START = """
import sys, time
from pathlib import Path
from courseware import create_app
from courseware.certificates.services import key_path, private_key
from courseware.certificates.signing import public_pem
instance, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    pass
app = create_app({"COURSEWARE_ENV": "development",
                  "COURSEWARE_INSTANCE_PATH": instance})
assert app.instance_path == instance, app.instance_path
with app.app_context():
    print(app.secret_key)
    print(public_pem(private_key()).replace("\\n", "|"))
"""


def test_two_processes_started_at_once_share_one_key_of_each(tmp_path):
    """The secret key is created at app start; both processes must read one file."""
    for round_ in range(3):
        instance = tmp_path / f"instance-{round_}"
        start = time.time() + 1.5
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", START, str(instance), str(start)],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=60) for p in procs]
        for proc, (_out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
        first, second = (out.split() for out, _err in outputs)
        assert first == second  # one secret key and one certificate key
        assert len(first[0]) == 64
        files = sorted(p.name for p in instance.iterdir())
        assert {"certificate-ed25519.pem", "secret_key"} <= set(files)
        assert not [name for name in files if name.startswith(".")]  # no temp files
        for name in ("secret_key", "certificate-ed25519.pem"):
            assert (instance / name).stat().st_mode & 0o777 == 0o600
