"""The walkthrough: the steps, the session, the progress and the state file."""
