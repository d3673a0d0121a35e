# Every table on the shared metadata exists before a schema is created or dropped.
from . import auth as _auth  # noqa: F401  (login_sessions)
