"""``python -m vehicle_tools.sim``: run the simulated car (see `vehicle_tools.sim.cli`)."""

import sys

from vehicle_tools.sim.cli import main

sys.exit(main())
