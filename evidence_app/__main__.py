"""``python -m evidence_app``: the core's command-line tasks (list, verify), no Qt needed."""

from evidence_app.commands import main

raise SystemExit(main())
