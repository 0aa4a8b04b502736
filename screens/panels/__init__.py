"""Interactive sections of a step: they ask before sending anything and report what came back."""
