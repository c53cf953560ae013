"""``python -m evidence_app``: the same as the ``evidence-app`` command."""

from .cli import main

raise SystemExit(main())
