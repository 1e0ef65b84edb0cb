from dashboards.services import refresh


def seed(*, seed: int, stdout) -> None:
    """Compute the dashboard figures from the demo data the other apps just seeded."""
    run = refresh()
    stdout.write(f"Dashboard figures: {run.rows:,} rows in {run.seconds:.1f} s.")
