"""Hearing the driver: wake word, voice activity, end of utterance, the recogniser and its
vocabulary biasing."""
