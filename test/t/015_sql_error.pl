# Copyright (c) walcast contributors
#
# A SQL decoding call that fails must leave nothing behind that a later
# event of the same backend can trip on.  PostgreSQL does not call the
# shutdown callback when pg_logical_slot_get/peek_changes ends in an ERROR:
# the decoding context is freed with the transaction, so any static pointer
# into it must be cleared by a reset callback of that context.  Each case
# fails one call in a backend, then gives that backend relcache and syscache
# invalidations (ALTER TABLE, CREATE PUBLICATION, a new enum label) and more
# decoding; the server must not restart.  glibc's MALLOC_PERTURB_ fills
# freed memory, so that reading it fails every time, not only when the
# memory happens to be reused (as CLOBBER_FREED_MEMORY does in an
# assert-enabled server).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $node = WalcastTest::new_node('sql_error');
{
	local $ENV{MALLOC_PERTURB_} = 165;
	$node->start;
}
$node->safe_psql('postgres', q{
	CREATE TYPE mood AS ENUM ('sad', 'ok');
	CREATE TABLE t (id int PRIMARY KEY, v text, m mood);
	SELECT 1 FROM pg_create_logical_replication_slot('s', 'walcast');
	INSERT INTO t VALUES (1, 'a', 'ok');
});
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

my $session = $node->background_psql('postgres', on_error_stop => 0);
my $backend = $session->query_safe('SELECT pg_backend_pid()');

# Run $sql in the session; return its stderr (empty when it succeeded).
sub run_sql
{
	my ($sql) = @_;
	$session->{stderr} = '';
	$session->query($sql);
	my $err = $session->{stderr};
	$session->{stderr} = '';
	return $err;
}

my $ok_call = q{SELECT count(*) FROM pg_logical_slot_peek_changes('s', NULL, NULL)};
my @failing = (
	[
		'an unrecognized option value, before the cache exists',
		q{SELECT count(*) FROM pg_logical_slot_peek_changes('s', NULL, NULL,
			'decimal.handling.mode', 'bogus')},
		qr/invalid value for option "decimal.handling.mode"/
	],
	[
		'a publication that does not exist, after the cache is built',
		q{SELECT count(*) FROM pg_logical_slot_peek_changes('s', NULL, NULL,
			'publication.name', 'nonexistent')},
		qr/publication "nonexistent" does not exist/
	],
	[
		'include lists compiled, then an invalid regular expression',
		q{SELECT count(*) FROM pg_logical_slot_peek_changes('s', NULL, NULL,
			'table.include.list', 'public\..*', 'column.exclude.list', '(')},
		qr/invalid value for option "column.exclude.list"/
	]);

# A crash ends the session: report it as a failure, not as a dead script.
my $n = 0;
my $survived = eval {
	foreach my $case (@failing)
	{
		my ($name, $sql, $expected) = @$case;
		$n++;
		is(run_sql($ok_call), '', "$name: a decoding call succeeds first");
		like(run_sql($sql), $expected, "$name: the call fails");
		is(run_sql("ALTER TABLE t ADD COLUMN c$n int"), '',
			"$name: ALTER TABLE in the same backend succeeds");
		is(run_sql("ALTER TYPE mood ADD VALUE 'x$n'"), '',
			"$name: a new enum label in the same backend succeeds");
		is(run_sql("CREATE PUBLICATION p$n FOR TABLE t"), '',
			"$name: CREATE PUBLICATION in the same backend succeeds");
		is(run_sql("INSERT INTO t (id, v) VALUES ($n + 1, 'b')"), '',
			"$name: INSERT succeeds");
		is(run_sql($ok_call), '', "$name: decoding again succeeds");
		is($session->query_safe('SELECT pg_backend_pid()'), $backend,
			"$name: still the same backend");
	}
	1;
};
ok($survived, 'the session survived every failing call') or diag($@);
$session->quit if $survived;

# restart_after_crash is off in tests: after a crash the server is down.
my (undef, $now) = $node->psql('postgres', 'SELECT pg_postmaster_start_time()');
is($now, $started, 'the server is up and did not restart');
my $log = slurp_file($node->logfile);
my @signals = $log =~ /^.*terminated by signal.*$/mg;
is_deeply(\@signals, [], 'no backend was terminated by a signal');
my (undef, $count) = $node->psql('postgres',
	q{SELECT count(*) FROM pg_logical_slot_get_changes('s', NULL, NULL)});
is($count, '4', 'every insert is decoded');

$node->stop('fast', fail_ok => 1);
done_testing();
