"""What Cabin keeps: by default nothing; opt-in debug recordings, their store and `cabin
privacy`."""
