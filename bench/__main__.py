"""`make bench`: measure the directory's speed on PostgreSQL with 100,000 services, and the audit
log's search with 10 million events.

`python -m bench audit` (or `directory`) runs one bench only. Prints one `name: value unit` line
per figure and writes them all to bench/results.json.
Runs against DATABASE_URL (PostgreSQL; by default a dedicated `familyhelp_bench` database on the
local server, created if missing). Loads the large directory once, serves the app under gunicorn on
127.0.0.1 and drives it from this process over loopback only, with bounded request counts.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/familyhelp_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 60)

from bench import audit, casework, dashboard, directory, frontdoor, harness, uploads  # noqa: E402

BENCHES = {
    "directory": directory,
    "audit": audit,
    "uploads": uploads,
    "dashboard": dashboard,
    # Front door (issue 6): the queue and the duplicate check, 10,000 requests, 200,000 people.
    "frontdoor": frontdoor,
    # Case work (issue 7): a family with 10 years of history, caseloads over 5,000 episodes.
    "casework": casework,
}

RESULTS = ROOT / "bench" / "results.json"


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        raise SystemExit(f"Unknown bench {unknown[0]!r}: choose from {', '.join(BENCHES)}.")
    harness.ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    results: dict[str, float] = {}
    started = time.monotonic()
    for bench in chosen:
        for name, value, unit in BENCHES[bench].run():
            results[name] = value
            print(f"{name}: {value} {unit}", flush=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**previous, **results}, indent=2) + "\n")
    print(f"# wrote {RESULTS.relative_to(ROOT)} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
