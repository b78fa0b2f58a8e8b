import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

# Imported once Django is set up (the line above). A stored public page for a visitor with no
# cookie is answered in front of Django's handler (pagecache.fastpath); everything else goes on to it.
from pagecache.fastpath import FastPath  # noqa: E402

application = FastPath(django_application)
