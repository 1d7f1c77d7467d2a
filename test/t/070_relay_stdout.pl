# Copyright (c) walcast contributors

# walcast-relay without a broker: the command line (help, version, option
# checks, as pg_recvlogical's 030 test does), the stdout default (JSON lines
# with topics, keys, values, tombstones and key-change headers), slot
# creation and confirmation, --endpos, and both configuration file forms
# (Debezium connector JSON and properties) with flags overriding them.

use strict;
use warnings FATAL => 'all';

use FindBin;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");

program_help_ok($relay);
program_version_ok($relay);
program_options_handling_ok($relay);

command_fails_like([ $relay, '-o', '=x' ], qr/invalid argument "=x" for option -o/,
	'-o without a name');
command_fails_like([ $relay, '--if-not-exists' ],
	qr/--if-not-exists requires --create-slot/, '--if-not-exists alone');
command_fails_like([ $relay, '-E', 'nope' ], qr/could not parse end location "nope"/,
	'invalid --endpos');
command_fails_like([ $relay, '-s', 'ten' ],
	qr/invalid value "ten" for option -s\/--status-interval/, 'invalid -s');
command_fails_like([ $relay, '-s', '-1' ],
	qr/-s\/--status-interval must be in range 0\.\.\d+/, 'negative -s');
command_fails_like([ $relay, '--receive-timeout', '1x' ],
	qr/invalid value "1x" for option --receive-timeout/, 'invalid --receive-timeout');
command_fails_like([ $relay, '--max-queue-bytes', '10' ],
	qr/--max-queue-bytes must be in range 1048576\.\.\d+/, 'queue too small');
command_fails_like([ $relay, '--max-queue-bytes', 'ten' ],
	qr/invalid value "ten" for option --max-queue-bytes/, 'invalid --max-queue-bytes');
command_fails_like([ $relay, 'extra' ], qr/too many command-line arguments/,
	'extra argument');
command_fails_like([ $relay, '-S', 'Bad-Name' ],
	qr/invalid replication slot name "Bad-Name"/, 'invalid slot name');
command_fails_like([ $relay, '-o', 'output.format=json' ],
	qr/invalid value for plugin option "output.format"/, 'other output format');
command_fails_like([ $relay, '-c', '/nonexistent/relay.json' ],
	qr/could not open configuration file/, 'missing config file');

my $tmp = PostgreSQL::Test::Utils::tempdir;

sub write_file
{
	my ($path, $text) = @_;
	open my $fh, '>', $path or die "could not write $path: $!";
	print $fh $text;
	close $fh;
	return $path;
}

my $bad_props = write_file("$tmp/bad.properties",
	"# comment\ndatabase.hostname=localhost\ndatabase.port=99999\n");
command_fails_like([ $relay, '-c', $bad_props ],
	qr/invalid value for configuration key "database.port" \(\Q$bad_props\E:3\): "99999"/,
	'invalid value in a properties file names key and line');
my $bad_json = write_file("$tmp/bad.json", "{\"config\": {\n  \"slot.name\": \"s\",\n  oops\n}}\n");
command_fails_like([ $relay, '-c', $bad_json ],
	qr/could not parse configuration file "\Q$bad_json\E" near line 3/,
	'JSON syntax error names the line');

# A server for the streaming cases.
my $node = WalcastTest::new_node('relay_stdout');
$node->start;

$node->safe_psql('postgres', q{
	CREATE TABLE items (id int PRIMARY KEY, name text);
	CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));
});

my $connstr = $node->connstr('postgres');

# Run the relay to completion; returns (exit code, stdout, stderr).
sub run_relay
{
	my @args = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ $relay, @args ], '<', \undef, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($? >> 8, $out, $err);
}

sub json_lines
{
	my ($out) = @_;
	return [ map { JSON::PP->new->decode($_) } grep { $_ ne '' } split /\n/, $out ];
}

# Creating the slot only (pg_recvlogical's --create-slot).
my ($rc, $out, $err) = run_relay('-d', $connstr, '--create-slot');
is($rc, 0, '--create-slot exits 0');
like($err, qr/created replication slot "walcast" with plugin "walcast"/,
	'slot creation is logged');
is($node->safe_psql('postgres',
		"SELECT plugin FROM pg_replication_slots WHERE slot_name = 'walcast'"),
	'walcast', 'slot uses the walcast plugin');
($rc, $out, $err) = run_relay('-d', $connstr, '--create-slot');
isnt($rc, 0, '--create-slot again fails');
like($err, qr/replication slot "walcast" already exists/, '... saying the slot exists');
($rc, $out, $err) = run_relay('-d', $connstr, '--create-slot', '--if-not-exists');
is($rc, 0, '--create-slot --if-not-exists accepts the existing slot');

$node->safe_psql('postgres', q{
	INSERT INTO items VALUES (1, 'one'), (2, 'two');
	UPDATE items SET name = 'uno' WHERE id = 1;
	UPDATE items SET id = 3 WHERE id = 2;
	DELETE FROM items WHERE id = 1;
	INSERT INTO pairs VALUES (1, 2);
});
my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');

($rc, $out, $err) = run_relay('-d', $connstr, '-E', $endpos, '--no-loop',
	'-o', 'schemas.enable=false');
is($rc, 0, 'stdout run to --endpos exits 0');
like($err, qr/end position \Q$endpos\E reached/, 'end position reached');
my $lines = json_lines($out);
is_deeply(
	[ map { [ $_->{topic}, $_->{key}, defined $_->{value} ? $_->{value}{op} : undef ] } @$lines ],
	[
		[ 'postgres.public.items', { id => 1 }, 'c' ],
		[ 'postgres.public.items', { id => 2 }, 'c' ],
		[ 'postgres.public.items', { id => 1 }, 'u' ],
		[ 'postgres.public.items', { id => 2 }, 'd' ],
		[ 'postgres.public.items', { id => 2 }, undef ],
		[ 'postgres.public.items', { id => 3 }, 'c' ],
		[ 'postgres.public.items', { id => 1 }, 'd' ],
		[ 'postgres.public.items', { id => 1 }, undef ],
		[ 'postgres.public.pairs', { a => 1, b => 2 }, 'c' ],
	],
	'topics, keys, ops and tombstones in commit order');
is($lines->[2]{value}{after}{name}, 'uno', 'update carries the new row');
is_deeply($lines->[3]{headers}, { '__debezium.newkey' => '{"id":3}' },
	'key change: delete carries __debezium.newkey');
is_deeply($lines->[5]{headers}, { '__debezium.oldkey' => '{"id":2}' },
	'key change: create carries __debezium.oldkey');
ok(!exists $lines->[0]{headers}, 'no headers member without key headers');

my $confirmed = $node->safe_psql('postgres',
	"SELECT confirmed_flush_lsn >= '$endpos' FROM pg_replication_slots WHERE slot_name = 'walcast'");
is($confirmed, 't', 'slot confirmed up to the end position');

($rc, $out, $err) = run_relay('-d', $connstr, '-E', $endpos, '--no-loop');
is($rc, 0, 'second run to the same end position');
is($out, '', 'nothing is sent twice after a clean stop');

# schemas.enable (the default): the relay splices schema and payload.
$node->safe_psql('postgres', "INSERT INTO items VALUES (10, 'ten')");
$endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
($rc, $out, $err) = run_relay('-d', $connstr, '-E', $endpos, '--no-loop');
$lines = json_lines($out);
is(scalar @$lines, 1, 'one event with schemas');
is($lines->[0]{key}{payload}{id}, 10, 'key payload');
is($lines->[0]{key}{schema}{name}, 'postgres.public.items.Key', 'key schema spliced');
is($lines->[0]{value}{payload}{after}{name}, 'ten', 'value payload');
is($lines->[0]{value}{schema}{type}, 'struct', 'value schema spliced');

# The configuration file forms, and flags over the file.
my $host = $node->host;
my $port = $node->port;
my $json = write_file("$tmp/orders.json", <<"EOF_JSON");
{
  "name": "orders-connector",
  "config": {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
    "tasks.max": "1",
    "plugin.name": "pgoutput",
    "database.hostname": "$host",
    "database.port": $port,
    "database.user": "@{[ scalar getpwuid($<) ]}",
    "database.password": "not-a-real-secret",
    "database.dbname": "postgres",
    "slot.name": "json_slot",
    "topic.prefix": "shop",
    "schemas.enable": false,
    "table.include.list": "public.items"
  }
}
EOF_JSON
($rc, $out, $err) = run_relay('-c', $json, '--create-slot');
is($rc, 0, 'connector JSON: slot created');
like($err, qr/configuration key "connector.class" is not supported/,
	'unsupported key reported');
like($err, qr/"plugin.name" = "pgoutput" is ignored/, 'plugin.name reported');
unlike($err, qr/not-a-real-secret/, 'password never logged');
$node->safe_psql('postgres',
	"INSERT INTO items VALUES (20, 'twenty'); INSERT INTO pairs VALUES (2, 3);");
$endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
($rc, $out, $err) = run_relay('-c', $json, '-E', $endpos, '--no-loop');
is($rc, 0, 'connector JSON: streamed');
$lines = json_lines($out);
is_deeply([ map { $_->{topic} } @$lines ], ['shop.public.items'],
	'topic.prefix and table.include.list from the file');

my $props = write_file("$tmp/orders.properties", <<"EOF_PROPS");
# the same connector as properties
name=orders-connector
database.hostname=$host
database.port: $port
database.dbname = postgres
slot.name=props_slot
topic.prefix=shop
schemas.enable=false
EOF_PROPS
($rc, $out, $err) = run_relay('-c', $props, '--create-slot');
is($rc, 0, 'properties: slot created');
$node->safe_psql('postgres', "INSERT INTO items VALUES (30, 'thirty')");
$endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
($rc, $out, $err) = run_relay('-c', $props, '-E', $endpos, '--no-loop',
	'-o', 'topic.prefix=flagged');
is($rc, 0, 'properties: streamed');
$lines = json_lines($out);
is($lines->[0]{topic}, 'flagged.public.items', '-o overrides the file');
is($lines->[0]{key}{id}, 30, 'properties: key');

$node->stop;
done_testing();
