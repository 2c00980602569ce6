"""The simulated car: a body ECU speaking cabin.dbc on a CAN bus."""
