"""The conversation: deciding what to do with a transcript, confirmations, the dialogue state, one
turn."""
