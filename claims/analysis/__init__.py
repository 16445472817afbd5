"""Text analysis in plain Python: no Django here. The claims app's services call it and store what it finds."""
