"""Start Ralph (filesystem backend) on loopback: ``python ralph_server.py PORT``.

Ralph 5.1's filesystem backend writes in "create" mode and answers 500 to every POST
after the first; switching its default to "append" makes it store, deduplicate (204)
and report conflicts (409) as an LRS should.
"""

import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        "ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning"
    )
