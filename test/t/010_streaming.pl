# Copyright (c) walcast contributors
#
# The decoder through the streaming replication protocol: slots created with
# CREATE_REPLICATION_SLOT and pg_recvlogical, events streamed with
# pg_recvlogical -P walcast --endpos, plugin options through -o, options
# refused at START_REPLICATION, a server restart with a slot, and the errors
# a user meets first: a plugin missing from output_plugin_libraries and
# wal_level below logical.
use strict;
use warnings FATAL => 'all';

use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $node = WalcastTest::new_node('stream', "timezone = 'UTC'\n");
my $allow_list = WalcastTest::knows_allow_list($node);
$node->start;

$node->safe_psql('postgres',
	'CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, qty int)');

# A slot made through the replication protocol.
$node->psql(
	'postgres',
	'CREATE_REPLICATION_SLOT s1 LOGICAL walcast',
	replication => 'database',
	on_error_die => 1);
is($node->safe_psql('postgres',
		"SELECT plugin FROM pg_replication_slots WHERE slot_name = 's1'"),
	'walcast', 'CREATE_REPLICATION_SLOT made a walcast slot');

$node->safe_psql('postgres', "INSERT INTO orders (item, qty) VALUES ('apple', 3)");
$node->safe_psql('postgres', "UPDATE orders SET qty = 4");
$node->safe_psql('postgres', "DELETE FROM orders");
my $endpos = $node->safe_psql('postgres',
	"SELECT pg_current_wal_insert_lsn()");
my $connstr = $node->connstr('postgres');

# Stream slot s1 to $endpos with pg_recvlogical, plugin options as -o
# arguments; returns (success, stdout, stderr).
sub recvlogical
{
	my ($endpos, @options) = @_;
	my ($out, $err);
	my $ok = IPC::Run::run(
		[
			'pg_recvlogical', '-S', 's1', '-d', $connstr, '--start',
			'--endpos', $endpos, '-f', '-', '--no-loop',
			map { ('-o', $_) } @options
		],
		'>', \$out, '2>', \$err);
	return ($ok, $out, $err);
}

# Stream with pg_recvlogical: one line per value (the tombstone has none).
my ($ok, $stdout, $stderr) =
  recvlogical($endpos, 'include.volatile=false', 'schemas.enable=false');
ok($ok, 'pg_recvlogical streamed to --endpos') or diag($stderr);
my @lines = grep { $_ ne '' } split /\n/, $stdout;
is(scalar(@lines), 3, 'three events streamed');
my @events = map { decode_json($_) } @lines;
is_deeply([ map { $_->{op} } @events ], [ 'c', 'u', 'd' ], 'ops in order');
is_deeply($events[0]{after}, { id => 1, item => 'apple', qty => 3 },
	'the insert carries the row');
is($events[2]{before}{item}, '', 'the delete fills NOT NULL columns as Debezium');
is($events[0]{source}{name}, 'postgres', 'topic.prefix defaults to the database');

# The record format through the stream: tombstones are there too.
$node->safe_psql('postgres', "INSERT INTO orders (item) VALUES ('pear')");
$endpos = $node->safe_psql('postgres', "SELECT pg_current_wal_insert_lsn()");
($ok, $stdout, $stderr) = recvlogical($endpos, 'output.format=record', 'topic.prefix=shop');
ok($ok, 'pg_recvlogical with the record format') or diag($stderr);
my $rec = decode_json((split /\n/, $stdout)[0]);
is($rec->{topic}, 'shop.public.orders', 'topic from topic.prefix');
is($rec->{key}{payload}{id}, 2, 'key with its schema');
is($rec->{value}{schema}{name}, 'shop.public.orders.Envelope',
	'value schema named after the topic');

# Options are checked at START_REPLICATION: the error names the option.
($ok, $stdout, $stderr) = recvlogical($endpos, 'no.such=1');
ok(!$ok, 'an unrecognized option stops streaming');
like($stderr, qr/unrecognized option "no\.such"/, 'and the error names it');

# A flag without a value means true (pg_recvlogical -o name).
($ok, $stdout, $stderr) = recvlogical($endpos, 'schemas.enable', 'output.format');
ok(!$ok, 'an enumeration option without a value is refused');
like($stderr, qr/option "output\.format" requires a value/, 'with a clear message');

# The relay framing through the stream.
$node->safe_psql('postgres', "INSERT INTO orders (item) VALUES ('plum')");
$endpos = $node->safe_psql('postgres', "SELECT pg_current_wal_insert_lsn()");
($ok, $stdout, $stderr) = recvlogical($endpos, 'output.format=relay');
ok($ok, 'pg_recvlogical with the relay format') or diag($stderr);
like($stdout, qr/^P 8\npostgresS 1 \d+ \d+\n/, 'session and schema records first');
like($stdout, qr/E 1 22 8 \d+ -1 -1 1\npostgres\.public\.orders\{"id":3\}\{"before"/,
	'then the event record, payload only');
like($stdout, qr/C [0-9A-F]+\/[0-9A-F]+\n$/, 'closed by the commit record');

# A restart keeps the slot; decoding resumes from its confirmed position.
# PostgreSQL 15 saves a slot's confirmed_flush at shutdown only if other
# slot fields changed too, so changes confirmed since the last checkpoint may
# come again: at-least-once, as for Debezium.
$node->restart;
$node->safe_psql('postgres', "INSERT INTO orders (item) VALUES ('after restart')");
$endpos = $node->safe_psql('postgres', "SELECT pg_current_wal_insert_lsn()");
($ok, $stdout, $stderr) = recvlogical($endpos, 'schemas.enable=0');
ok($ok, 'streaming after a restart') or diag($stderr);
@lines = grep { $_ ne '' } split /\n/, $stdout;
ok(scalar(@lines) >= 1, 'changes streamed after the restart');
is(decode_json($lines[-1])->{after}{item}, 'after restart',
	'ending with the change made after it');

# pg_recvlogical --create-slot with the plugin.
$ok = IPC::Run::run(
	[ 'pg_recvlogical', '-S', 's2', '-d', $connstr, '--create-slot', '-P', 'walcast' ],
	'>', \$stdout, '2>', \$stderr);
ok($ok, 'pg_recvlogical --create-slot -P walcast') or diag($stderr);

# A plugin missing from output_plugin_libraries: PostgreSQL's own message.
SKIP:
{
	skip 'this server has no output_plugin_libraries', 2 unless $allow_list;
	$node->safe_psql('postgres',
		"ALTER SYSTEM SET output_plugin_libraries = 'pgoutput'");
	$node->reload;
	my ($ret, $out, $err) = $node->psql('postgres',
		"SELECT pg_create_logical_replication_slot('s3', 'walcast')");
	isnt($ret, 0, 'slot creation refused when walcast is not allowed');
	like($err, qr/walcast.*output_plugin_libraries|output_plugin_libraries.*walcast|may not be used as an output plugin/s,
		'the error says why');
	$node->safe_psql('postgres', 'ALTER SYSTEM RESET output_plugin_libraries');
	$node->reload;
}

# wal_level below logical.
$node->append_conf('postgresql.conf', "wal_level = replica\nmax_wal_senders = 4\n");
$node->safe_psql('postgres',
	"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
$node->restart;
my ($ret, $out, $err) = $node->psql('postgres',
	"SELECT pg_create_logical_replication_slot('s4', 'walcast')");
isnt($ret, 0, 'no logical slot below wal_level logical');
like($err, qr/wal_level/, 'the error names wal_level');

$node->stop;
done_testing();
