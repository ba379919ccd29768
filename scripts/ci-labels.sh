# Which CTest labels the ASan + UBSan job runs (scripts/sanitize.sh address); scripts/test.sh runs
# every other label in its own (Debug, gcc) build, so that CI runs each test once, in the
# strictest build that runs it in reasonable time. Sourced by both scripts.
#
# The sanitizer job: every suite of our own code (unit, store, aws, awsmode, e2e, cli, server),
# the PostgreSQL store's own suites (postgres: its pipelines hand libpq pointers into
# parameters), and the replay of every fuzz corpus (fuzz).
# The main build: the same e2e and CLI suites again against `datamesh serve` (e2e-server), on
# PostgreSQL (e2e-postgres) and in AWS mode on moto (awse2e), which run the code the sanitizer
# job runs once more; the AWS store's failure-at-every-call sweep (awsmode-sweep, the commit
# once per failing call); crash consistency and fault injection (reliability: kills processes
# mid-write); the benchmark smoke tests (bench); and the Python suites (python, awsmode-python:
# no C++ of ours beyond the bindings).
DATAMESH_SANITIZED_LABELS='^(unit|store|aws|awsmode|e2e|cli|server|postgres|fuzz)$'
