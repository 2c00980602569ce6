"""What the assistant may do to the car: tool registry, safety policy, bus backends."""
