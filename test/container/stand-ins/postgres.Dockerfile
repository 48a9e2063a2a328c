# Stand-in for postgres:15-bookworm (the compose demo's database) on machines that cannot pull it:
# Debian's own PostgreSQL 15 package, with an entrypoint that sets up a first start from
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB as the compose file uses them.
FROM debian:bookworm-slim
# No default cluster from the package: the entrypoint makes one in PGDATA (the volume) on first start.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
LABEL hubspot-attendance-relay.stand-in="postgres:15-bookworm from Debian's postgresql-15 package"
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
# SIGINT is PostgreSQL's "fast" shutdown: sessions are ended, the data is flushed.
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint.sh"]
CMD ["postgres"]
