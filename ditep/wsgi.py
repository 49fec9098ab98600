import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")
application = get_wsgi_application()

from core.db import assert_safe_app_role  # noqa: E402

assert_safe_app_role()
