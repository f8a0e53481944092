#!/usr/bin/env python3
"""Generates xAPI statements of realistic shape for the benchmarks.

Prints one JSON array per line, one batch per line, ready for
POST /xapi/statements. Each statement is about 1 KB: the actor is the given
mbox, verbs and activities vary, the context has a registration and a parent
activity, the result a score, and the timestamps walk forward in time. Ids are
UUIDs drawn from a seeded generator, so a run is reproducible and two runs
with different seeds do not collide.

  gen_statements.py --count 1000000 --batch 1000 --mbox mailto:bench@example.org

With --out-dir DIR each batch goes into its own file DIR/batch-NNNNNN.json
instead of standard output (a loader can then post them in parallel).
Python 3 standard library only.
"""
import argparse
import json
import os
import random
import sys
import uuid

VERBS = [
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced"),
    ("http://adlnet.gov/expapi/verbs/attempted", "attempted"),
    ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    ("http://adlnet.gov/expapi/verbs/progressed", "progressed"),
    ("https://w3id.org/xapi/video/verbs/played", "played"),
]
ACTIVITY_TYPES = [
    "http://adlnet.gov/expapi/activities/lesson",
    "http://adlnet.gov/expapi/activities/assessment",
    "http://adlnet.gov/expapi/activities/interaction",
    "https://w3id.org/xapi/video/activity-type/video",
]
PLATFORMS = ["Moodle 4.3", "Canvas LMS", "cmi5 player 2.1", "Learning Locker"]
WORDS = ("safety fire evacuation procedure module lesson review practice quiz chapter "
         "introduction advanced basics workplace compliance health data privacy summary "
         "scenario exercise assessment video reading handling equipment emergency").split()


def uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def statement(rng, mbox, name, n, start_seconds, registrations):
    course = rng.randrange(40)
    module = rng.randrange(12)
    lesson = rng.randrange(30)
    verb_id, verb_name = VERBS[rng.randrange(len(VERBS))]
    course_id = f"https://courses.example.org/course/{course:03d}"
    activity_id = f"{course_id}/module/{module:02d}/lesson/{lesson:02d}"
    raw = rng.randrange(101)
    seconds = start_seconds + n * 37 + rng.randrange(30)
    # A simple calendar (12 months of 30 days, of which days 1..28 are used): always a valid date.
    days, rest = divmod(seconds, 86400)
    year = 2024 + days // 360
    month = 1 + (days % 360) // 30
    day = 1 + days % 28
    timestamp = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        year, month, day, rest // 3600, (rest // 60) % 60, rest % 60, rng.randrange(1000))
    return {
        "id": uid(rng),
        "actor": {"objectType": "Agent", "name": name, "mbox": mbox},
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": {
            "objectType": "Activity",
            "id": activity_id,
            "definition": {
                "type": ACTIVITY_TYPES[rng.randrange(len(ACTIVITY_TYPES))],
                "name": {"en-US": words(rng, 4)},
                "description": {"en-US": words(rng, 6)},
            },
        },
        "result": {
            "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
            "success": raw >= 60,
            "completion": verb_name in ("completed", "passed"),
            "duration": "PT%dM%dS" % (rng.randrange(60), rng.randrange(60)),
        },
        "context": {
            "registration": registrations[course],
            "platform": PLATFORMS[course % len(PLATFORMS)],
            "language": "en-US",
            "contextActivities": {
                "parent": [{"objectType": "Activity", "id": f"{course_id}/module/{module:02d}"}],
                "grouping": [{"objectType": "Activity", "id": course_id}],
            },
            "extensions": {
                "https://courses.example.org/ext/attempt": rng.randrange(1, 5),
            },
        },
        "timestamp": timestamp,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=1000000, help="statements in all (default 1000000)")
    p.add_argument("--batch", type=int, default=1000, help="statements per line (default 1000)")
    p.add_argument("--mbox", default="mailto:bench-learner@example.org", help="the actor's mbox")
    p.add_argument("--name", default="Bench Learner", help="the actor's name")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out-dir", help="write batch-NNNNNN.json files here instead of standard output")
    a = p.parse_args()
    if a.count < 0 or a.batch < 1:
        p.error("--count must be >= 0 and --batch >= 1")

    rng = random.Random(a.seed)
    registrations = [uid(rng) for _ in range(40)]
    start_seconds = rng.randrange(86400)
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    if a.out_dir:
        os.makedirs(a.out_dir, exist_ok=True)
    n = 0
    batch_no = 0
    out = sys.stdout
    while n < a.count:
        size = min(a.batch, a.count - n)
        batch = [statement(rng, a.mbox, a.name, n + i, start_seconds, registrations) for i in range(size)]
        n += size
        batch_no += 1
        line = dumps(batch) + "\n"
        if a.out_dir:
            with open(os.path.join(a.out_dir, "batch-%06d.json" % batch_no), "w", encoding="utf-8") as f:
                f.write(line)
        else:
            out.write(line)
    out.flush()


if __name__ == "__main__":
    main()
