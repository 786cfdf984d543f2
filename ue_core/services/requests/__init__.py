"""Support requests beyond support.py: the queue's views, help found before a team sends a
request ("these may help now"), and the team's rating of the help."""
