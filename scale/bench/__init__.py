"""`make bench`: every scenario of DESIGN.md's performance table against its baseline, in one run.

Throughput scenarios run against gunicorn under production settings (`scale.bench.settings`)
driven by `wrk`; the others run in this process, medians of repeated runs with their query counts.
The baseline views exist only in `scale.bench.urls`, never in production's URLconf.
"""
