# Copyright (c) walcast contributors

# A long transaction whose changes all are filtered out (an excluded table,
# a skipped operation) writes nothing while it is decoded.  The plugin must
# still report progress, as pgoutput does, so that the walsender sends
# keepalives and reads the client's replies meanwhile: PostgreSQL 15 does
# not do it for the plugin.  pg_recvlogical with --status-interval=0
# replies only when a keepalive asks it to, so without those keepalives the
# walsender stops with "replication timeout" once the decoding takes longer
# than wal_sender_timeout (half a million rows take seconds; the timeout
# is 1 s).

use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $node = WalcastTest::new_node('filtered_progress',
	"wal_sender_timeout = '1s'\nlogical_decoding_work_mem = '64kB'\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE TABLE noise (id int, pad text);
	CREATE TABLE kept (id int PRIMARY KEY, v text);
	SELECT 'init' FROM pg_create_logical_replication_slot('excluded', 'walcast');
	SELECT 'init' FROM pg_create_logical_replication_slot('skipped', 'walcast');
});
$node->safe_psql('postgres',
	"INSERT INTO noise SELECT g, repeat('x', 100) FROM generate_series(1, 500000) g");
my $big_end = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
$node->safe_psql('postgres', "INSERT INTO kept VALUES (1, 'a')");
$node->safe_psql('postgres', "UPDATE kept SET v = 'b'");
my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
my $connstr = $node->connstr('postgres');

for my $case (
	[ 'excluded', 'table.exclude.list=public.noise', 2 ],
	[ 'skipped', 'skipped.operations=c', 1 ])
{
	my ($slot, $option, $events) = @$case;
	my $log_offset = -s $node->logfile;
	my ($out, $err);
	my $ok = IPC::Run::run(
		[
			'pg_recvlogical', '-S', $slot, '-d', $connstr, '--start',
			'--endpos', $endpos, '-f', '-', '--no-loop',
			'--status-interval', '0', '-o', 'include.volatile=false',
			'-o', 'schemas.enable=false', '-o', $option
		],
		'>', \$out, '2>', \$err);
	ok($ok, "$slot: pg_recvlogical streamed through the filtered transaction")
	  or diag($err);
	my $log = slurp_file($node->logfile, $log_offset);
	unlike($log, qr/replication timeout/, "$slot: the walsender did not time out");
	is(scalar(grep { /"table":"kept"/ } split /\n/, $out), $events,
		"$slot: the events after it arrived");
	ok( $node->safe_psql('postgres',
			"SELECT confirmed_flush_lsn >= '$big_end' FROM pg_replication_slots WHERE slot_name = '$slot'"
		) eq 't',
		"$slot: the slot moved past the filtered transaction");
}

$node->stop;
done_testing();
