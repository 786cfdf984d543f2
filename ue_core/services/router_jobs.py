"""Retraining the request router as a background job (hub consultants).

Triage suggestions come from two routers (practice areas, kinds of help) fitted on the
framework's and the kinds' descriptions plus the hub's confirmed triage. Without this job the
first triage page after new confirmations fits them while the consultant waits, on every app
server. The job fits both on the confirmed history as it is now, reporting progress, and saves
them in one transaction in the ``trained_router`` table, where every app server's triage
service finds them (``triage_suggestions._stored_router``). A job cancelled or failed before
that transaction saves nothing; one retraining may be queued or running at a time.
"""

from __future__ import annotations

import pickle
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import Job, TrainedRouter
from ue_core.errors import ConflictError
from ue_core.jobs import JobContext
from ue_core.jobs import store as job_store
from ue_core.jobs.runners import runner_for
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services import triage_suggestions as ts
from ue_core.services.jobs import ROUTER_SUBJECT, JobView, job_view
from ue_core.themes.embedding import choose_backend
from ue_core.timefmt import format_datetime
from ue_core.triage import framework_examples, learning

KIND: Final = "retrain_router"


def start_retraining_router(db: Database, actor: Actor) -> JobView:
    """Start retraining the request router on the confirmed triage; returns the queued job."""
    require_triage(actor)
    with db.transaction(locking=True) as session:
        try:
            job = job_store.add_job(
                session, KIND, actor.user_id, ROUTER_SUBJECT, {}, "Waiting to start"
            )
        except job_store.AlreadyRunning:
            raise _already_running(session) from None
        view = job_view(session, job)
    runner_for(db).submit(view.id)
    return view


def _already_running(session: Session) -> ConflictError:
    job = job_store.active_job(session, KIND, ROUTER_SUBJECT)
    view = job_view(session, job) if job is not None else None
    who = view.started_by_name if view is not None else "Someone"
    since = f" on {format_datetime(view.created_at)}" if view is not None else ""
    return ConflictError(
        f"The request router is already being retrained: {who} started it{since}. Wait for "
        "it to finish, or cancel it, then start again.",
        current={"Started by": who},
    )


def router_job(db: Database, actor: Actor) -> JobView | None:
    """The latest retraining of the request router (queued, running or ended), or None."""
    require_triage(actor)
    with db.read() as session:
        job = session.scalar(select(Job).where(Job.kind == KIND).order_by(Job.id.desc()).limit(1))
        return job_view(session, job) if job is not None else None


def retrain_router_work(
    db: Database, actor: Actor, arguments: dict[str, Any], context: JobContext
) -> dict[str, Any]:
    """The job's work: fit both routers on the confirmed triage and save them together."""
    require_triage(actor)
    context.progress(0.0, "Reading the hub's confirmed triage")
    backend = choose_backend()
    with db.read() as session:
        histories = ts._histories(db, session)
        framework = ts._framework(session)
    area_texts, area_labels = framework_examples(framework, by="area")
    kind_texts, kind_labels = ts._kind_examples()
    plans = [
        (
            "area",
            ts._router_key("area", framework.content_hash(), backend, histories.area_key),
            learning.training_set(area_texts, area_labels, histories.areas, set(area_labels)),
            len(histories.areas),
        ),
        (
            "kind",
            ts._router_key("kind", "kinds", backend, histories.kind_key),
            learning.training_set(
                kind_texts, kind_labels, histories.kinds, set(shipped_request_kinds().by_key())
            ),
            len(histories.kinds),
        ),
    ]
    fitted = []
    for step, (purpose, key, training, examples) in enumerate(plans):
        what = "practice areas" if purpose == "area" else "kinds of help"
        context.progress(0.1 + 0.4 * step, f"Learning {what} from {examples:,} confirmed requests")
        fitted.append((purpose, key, (ts._fit(training, backend), training), examples))
    context.progress(0.95, "Saving the retrained router")
    context.check_cancelled()  # the last moment before the one saving transaction
    with db.transaction() as session:
        for purpose, key, pair, examples in fitted:
            session.execute(delete(TrainedRouter).where(TrainedRouter.purpose == purpose))
            session.add(
                TrainedRouter(
                    purpose=purpose,
                    key="|".join(key),
                    examples=examples,
                    model=pickle.dumps(pair, protocol=pickle.HIGHEST_PROTOCOL),
                    job_id=context.job_id,
                )
            )
        result = {
            "examples": len(histories.areas),
            "kind_examples": len(histories.kinds),
            "areas": len({label for request in histories.areas for label in request.labels}),
        }
        audit.record(session, actor, "retrain_router", "job", context.job_id, None, result)
    with ts._lock:  # this process has them at once; others read them from the table
        for _, key, pair, _ in fitted:
            ts._keep(key, pair)
    return result
