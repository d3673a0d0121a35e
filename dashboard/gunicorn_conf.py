"""gunicorn's settings for this app, in one place for `make serve-prod`, the Procfile and the
reliability harness: `gunicorn -c python:dashboard.gunicorn_conf dashboard.app:server`.

The bind address is given on the command line (the Makefile's HOST and PORT, the
platform's PORT in the Procfile); options given there win over these.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Above DASHBOARD_IMPORT_TIMEOUT, so a web import is stopped by its own limit first.
timeout = 60
# Build the app once in the master: a broken setting or an unsafe key file stops the start
# with one clear message, and workers share the loaded code.
preload_app = True
# One line per request on stdout, the usual place for a platform to collect it.
accesslog = "-"
# gunicorn would believe X-Forwarded-Proto from 127.0.0.1 on its own; the app believes
# forwarded headers only from DASHBOARD_PROXY_COUNT proxies (ProxyFix), one knob for both.
forwarded_allow_ips = ""
# gunicorn >= 25.1 opens a control socket under $XDG_RUNTIME_DIR or ~/.gunicorn; two
# instances on one machine (tests, a benchmark, serve-prod) would share it, and none needs
# it. Older gunicorns ignore names they do not know.
control_socket_disable = True
