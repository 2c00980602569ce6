"""Ways of reaching the car: CAN (cantools + python-can) now, others (D-Bus) later."""
