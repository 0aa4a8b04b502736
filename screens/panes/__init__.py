"""One pane per step of the walkthrough."""
