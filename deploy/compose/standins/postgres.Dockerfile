# Stand-in for postgres:16.4: Debian bookworm's PostgreSQL, which is 15 (no PostgreSQL 16 package is
# reachable here; Temporal's v12 schema runs on both). Like the official image it creates the cluster in
# /var/lib/postgresql/data on first start with POSTGRES_USER / POSTGRES_PASSWORD, honours PGPORT, and
# runs as the postgres user.
FROM vipps-standin/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 /etc/postgresql \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 700 /var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
