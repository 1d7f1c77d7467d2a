# syntax=docker/dockerfile:1
#
# walcast-relay: streams a walcast slot into Kafka.
#
# Build from the repository root:
#   docker build -f docker/relay.Dockerfile -t walcast-relay .
# Run (flags as "walcast-relay --help" lists them):
#   docker run --rm walcast-relay -d "host=db dbname=app user=app" -b kafka:9092
#
# The build commands below are run outside a container by docker/check.

# Build stage: the relay links libpq, librdkafka and yajl, and reuses
# PostgreSQL's frontend code (postgres_fe.h, libpgcommon, libpgport) from
# the server development package.
FROM debian:bookworm AS build
RUN apt-get update && \
	apt-get install -y --no-install-recommends \
		gcc make libc6-dev libpq-dev librdkafka-dev libyajl-dev \
		postgresql-server-dev-15 && \
	rm -rf /var/lib/apt/lists/*

# The relay, the top-level Makefile (it writes libwalcast/version.h from
# EXTVERSION) and the code shared with the decoder.
COPY Makefile /src/
COPY libwalcast /src/libwalcast
COPY relay /src/relay

# "clean" first, and libwalcast/version.h removed, because the build context may
# hold files built on the host.  Only the program is built: the relay's
# default target also builds its unit tests, which need test/unit/.
WORKDIR /src
RUN rm -f libwalcast/version.h && \
	make -C relay PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config clean && \
	make -C relay PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config walcast-relay

# Runtime stage: the three client libraries and the binary, nothing else.
# (Brokers behind TLS need CA certificates: add ca-certificates, or mount
# them and point -X ssl.ca.location at them.)
FROM debian:bookworm-slim
RUN apt-get update && \
	apt-get install -y --no-install-recommends libpq5 librdkafka1 libyajl2 && \
	rm -rf /var/lib/apt/lists/* && \
	useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin walcast
COPY --from=build /src/relay/walcast-relay /usr/local/bin/walcast-relay
USER walcast
# Flags go after the image name ("docker run ... walcast-relay -d ... -b ...")
# or in compose's "command:".
ENTRYPOINT ["walcast-relay"]
CMD ["--help"]
