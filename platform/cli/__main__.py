"""``python -m baocao.platform.cli`` runs the command line."""

import sys

from baocao.platform.cli import main

sys.exit(main())
