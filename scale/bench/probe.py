"""Time pages in a process of their own, against the database DATABASE_URL names.

`python -m scale.bench.probe '<json>'` with {"pages": [{"email": ..., "url": ..., "repeats": n}]}
prints one line of JSON: each page's median time, query count and size. The runner uses it to
measure the same page on the national and the 1/100th database, each in a fresh process, so
nothing one database loaded is cached for the other.
"""

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scale.bench.settings")
    import django

    django.setup()
    from workforce.models import User

    from .measure import client_for, time_page
    from .server import peak_rss_mb

    spec = json.loads(argv[0])
    out = []
    for page in spec["pages"]:
        user = User.objects.get(email__iexact=page["email"])
        timing = time_page(client_for(user), page["url"], repeats=page["repeats"])
        out.append({"url": page["url"], **timing.__dict__})
    print(json.dumps({"pages": out, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main(sys.argv[1:])
