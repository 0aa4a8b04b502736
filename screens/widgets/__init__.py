"""Building blocks of the panes: safe text, check rows, the step list, copyable code."""
