# Stand-in for temporalio/server and temporalio/admin-tools at the version of deploy/temporal/versions.json,
# one image under both tags: the server and temporal-sql-tool built from the Go module as
# `npm run cluster` builds them (scripts/cluster/install.ts), the project's Temporal CLI, the
# PostgreSQL schema files, and the server image's own entrypoint.sh taken from the module.
# The official images are Alpine; this one is Debian bookworm (debootstrap). docker-compose.yml gives
# admin-tools an entrypoint of its own, so the shared CMD is the server's.
FROM vipps-standin/debian:bookworm
RUN groupadd --gid 1000 temporal && useradd --uid 1000 --gid temporal --no-create-home temporal
COPY bin/ /usr/local/bin/
COPY schema /etc/temporal/schema
COPY entrypoint.sh /etc/temporal/entrypoint.sh
WORKDIR /etc/temporal
USER temporal
# The entrypoint is written for Alpine's ash (`set -o pipefail`); Debian's sh is dash, so bash runs it.
CMD ["bash", "/etc/temporal/entrypoint.sh"]
