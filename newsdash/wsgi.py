import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdash.settings")
# A page waits at most 1.5 s for any database statement, then answers 503 (settings.STATEMENT_TIMEOUT).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "1.5")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker: left to the
# garbage collector, its full passes walk it all again, which added about 25 ms to one request in
# ten of a large timeline (bench/results/server.md).
gc.freeze()
