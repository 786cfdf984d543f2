"""Surveys and their themes: import, find themes, refine, approve, read across, report.

Hub consultants (``Permission.ANALYSE_SURVEYS``) do all of this; surveys belong to the hub, not
to a team. Free text is stored only after personal data has been removed
(:mod:`ue_core.survey_import`). Each answer's embedding is computed once and kept as ``float32``
bytes, so trying another number of themes only re-runs k-means.

A question has at most one draft theme set (finding themes again replaces it) and at most one
approved set (approving a draft replaces the approved one). Every edit to a theme set is
checked against the version the person saw and moves the version on.
"""
