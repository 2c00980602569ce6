"""Speaking back: reply text prepared for Piper, Piper itself, media ducking."""
