"""The Analysis Function colour palette, shared by the screens' charts and the HTML report.

Colours come from the Analysis Function guidance on data visualisation colours
(https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/).
"""

from __future__ import annotations

from typing import Final

#: Categorical palette, in the order the guidance says to use it.
AF_CATEGORICAL: Final = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
#: The two colours for a chart with two categories.
AF_DUO: Final = ("#12436D", "#F46A25")
AF_SEQUENTIAL: Final = ("#12436D", "#2073BC", "#6BACE6")
#: GOV.UK text colour.
AF_TEXT: Final = "#0B0C0C"
#: Grid lines: light enough not to compete with the data.
AF_GRID: Final = "#D9D9D9"

#: Five tints of AF blue for levels 1 to 5 (lightest is level 1). The three darkest are the AF
#: sequential palette; the two lighter tints extend it so every level has its own shade.
AF_LEVEL_BLUES: Final = ("#D6E7F7", "#A4CCEF", "#6BACE6", "#2073BC", "#12436D")
#: Text drawn on each level's shade: dark on the light tints, white on the dark ones (both pass
#: WCAG AA contrast against their shade).
AF_LEVEL_TEXT: Final = (AF_TEXT, AF_TEXT, AF_TEXT, "#FFFFFF", "#FFFFFF")
NO_LEVEL_FILL: Final = "#F3F2F1"
#: The mark for a target level (AF orange).
TARGET_COLOUR: Final = "#F46A25"
