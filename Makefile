# walcast: Debezium-shaped JSON logical decoding output plugin (PGXS)
#
# Plain "make" / "make install" build and install the decoder only, so that
# packagers need neither libpq nor librdkafka.  The relay has its own targets
# ("make relay", "make install-relay", "make clean-relay"), which recurse into
# relay/ because a PGXS Makefile builds exactly one product.

EXTVERSION = 0.1.0

MODULE_big = walcast
OBJS = decoder/plugin.o decoder/options.o decoder/relcache.o decoder/event.o \
	decoder/typconv.o decoder/typdefault.o decoder/typnumeric.o decoder/typext.o decoder/publication.o \
	libwalcast/json.o libwalcast/encode.o libwalcast/dbzschema.o libwalcast/dbzvalue.o
PGFILEDESC = "walcast - Debezium-shaped JSON logical decoding output plugin"

REGRESS = options insert update delete truncate transactions keys \
	replica_identity messages schema_change filtering types_core \
	special_values relay_format types_array types_ext types_modes \
	publication
REGRESS_OPTS = --temp-config=test/logical.conf --temp-instance=./tmp_check
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = test/logical.conf libwalcast/version.h

PG_CONFIG ?= pg_config
# A backend loads libraries with RTLD_GLOBAL: export only the entry points
# (PGDLLEXPORT: _PG_output_plugin_init and PG_MODULE_MAGIC's function), so
# none of our names can bind to, or shadow, another library's.  PostgreSQL
# 16 and later define PGDLLEXPORT the same way; 15 defines it empty unless
# it is already defined.
PG_CPPFLAGS = -I$(srcdir) -fvisibility=hidden \
	'-DPGDLLEXPORT=__attribute__((visibility("default")))'
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS resets PROVE_FLAGS after this file sets it; add our Perl modules here.
PG_PROVE_FLAGS += -I $(srcdir)/test/perl

# The temporary instance's settings.  output_plugin_libraries is written only
# when the server knows the parameter (PostgreSQL 15.19+ and the matching
# minor releases): an unknown name in postgresql.conf stops the server.
# WALCAST_LIBDIR=<dir holding walcast.so> makes the test servers load that
# build instead of the installed one (dynamic_library_path), so a checkout
# can be tested without "make install"; test/perl/WalcastTest.pm reads it
# too.  The file is rewritten on every run, so the setting never lingers.
PG_BINDIR := $(shell $(PG_CONFIG) --bindir)
.PHONY: test/logical.conf
test/logical.conf: test/logical.conf.in
	cp $< $@
	if $(PG_BINDIR)/postgres --describe-config 2>/dev/null | grep -q '^output_plugin_libraries'; then \
		echo "output_plugin_libraries = 'pgoutput, test_decoding, walcast'" >> $@; \
	fi
	if [ -n "$(WALCAST_LIBDIR)" ]; then \
		echo "dynamic_library_path = '$(WALCAST_LIBDIR):\$$libdir'" >> $@; \
	fi

installcheck: test/logical.conf

libwalcast/version.h: Makefile
	echo '#define WALCAST_VERSION "$(EXTVERSION)"' > $@

# Rebuild every object when a header changes (PGXS tracks no dependencies).
$(OBJS): libwalcast/version.h $(wildcard $(srcdir)/decoder/*.h $(srcdir)/libwalcast/*.h)

.PHONY: relay install-relay clean-relay bench
relay: libwalcast/version.h
	$(MAKE) -C relay PG_CONFIG=$(PG_CONFIG)
install-relay: relay
	$(MAKE) -C relay PG_CONFIG=$(PG_CONFIG) install
clean-relay:
	$(MAKE) -C relay PG_CONFIG=$(PG_CONFIG) clean

# The benchmark (test/bench/run, README "Benchmarks"): fetches the broker,
# Kafka Connect and Debezium from Maven Central when missing, builds the
# relay, and runs every suite at full scale on the installed plugin ("make
# install" first).  As root it re-executes as postgres.
#   make bench BENCH_FLAGS="--scale 0.1 --repeat 1"
bench: relay
	test/kafka/kafka.sh fetch
	test/bench/debezium/fetch
	test/bench/run $(BENCH_FLAGS)
