from core.jobs import register
from portal.activation import prune_requests


@register("portal.prune_activations")
def prune_activations(job, progress):
    """Delete activation requests past every limit and lock window (daily, PERIODIC_JOBS)."""
    deleted = prune_requests()
    progress(1, 1)
    return {"summary": f"{deleted} activation requests deleted."}
