"""``python -m ui``: the same as the ``evidence-app`` command."""

import sys

from ui.main import main

sys.exit(main())
