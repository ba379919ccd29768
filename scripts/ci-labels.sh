# Which CTest labels the ASan + UBSan job runs (scripts/sanitize.sh address); scripts/test.sh runs
# every other label in its own (Debug, gcc) build, so that CI runs each test once. Sourced by
# both scripts.
#
# The sanitizer job: the suites that run our code in-process on hostile or intricate input, where
# memory errors and undefined behaviour would hide (unit: codecs, patterns, the engine's rules;
# store: the SQLite store and the AWS store's write buffer; aws: SigV4, the AWS client, its
# parsers and the credential chain; server: the HTTP server under abuse, concurrency and
# shutdown), the PostgreSQL store's own suites (postgres: its pipelines hand libpq pointers
# into parameters), and the replay of every fuzz corpus (fuzz).
# The main build: the scenario suites, which drive the same code through whole workflows (e2e,
# audit, cli; and again against `datamesh serve`: e2e-server, over HTTPS: e2e-https, on
# PostgreSQL: e2e-postgres, in AWS mode on moto: awse2e); the AWS-mode suites against moto
# (awsmode, whose time is moto's); the AWS store's failure-at-every-call sweep (awsmode-sweep);
# crash consistency and fault injection (reliability: kills processes mid-write); the benchmark
# smoke tests (bench); the Python suites (python, awsmode-python); and the web console in
# Chromium (console).
#
# Why the scenario suites are not in the sanitizer job too: CI has 30 minutes on 2 cores, and
# compiling them under ASan + UBSan with the fuzzers' coverage took 4 of its minutes
# (2026-12-05), on top of the Debug build that compiles them anyway.
DATAMESH_SANITIZED_LABELS='^(unit|store|aws|server|postgres|fuzz)$'
