"""The library of case studies and training, recommendations, their follow-up and peer contacts.

The catalogue files in ``data/`` are copied into the ``resource`` table (``sync_catalogue``),
which is what the app reads: the first read after a file changes copies it again. Each row keeps
the catalogue entry in ``content`` (``content["resource"]`` is the uniform view the library and
recommender use, ``content["details"]`` the kind-specific fields).

Recommendations: the issue's entry points ``recommend_for_assessment(assessment_id, k=8)`` and
``recommend_for_text(text, k=8)`` need data, so they live here as functions taking the database
and the acting person first, like every service: ``recommend_for_assessment(db, actor,
assessment_id, k=8)`` and ``recommend_for_text(db, actor, text, k=8)``. The ranking itself is
pure and lives in ``ue_core.recommend``. Assessments are ranked in the catalogue's TF-IDF space
(quick to build, as good on gap profiles); free text with the best installed embedding backend.

Who may do what:

- anyone with ``USE_LIBRARY`` may search and read the library and get recommendations for text;
- recommendations, follow-up and peer contacts for an assessment: members and leads of the team,
  the champion of its organisation and hub staff (as for results);
- recording shown, opened, used and dismissed: members and leads of the team only;
- opting the team in or out of "happy to talk about our approach": the team lead;
- usage figures per resource: admins.

Peer contacts show only teams that have opted in, in other organisations, and nothing at all
about teams that have not.
"""
