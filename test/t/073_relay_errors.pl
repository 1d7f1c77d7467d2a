# Copyright (c) walcast contributors

# walcast-relay's error cases: each must fail with a PostgreSQL-style
# message (and a hint where one helps), exit 1, and confirm nothing it did
# not deliver.  Unreachable PostgreSQL or Kafka, authentication failure
# (password never logged), wal_level below logical, the plugin missing from
# output_plugin_libraries, a slot in use by another process, a slot of
# another plugin, and a failed Kafka delivery (which must stop progress).

use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::RealBin/../perl";

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;
use WalcastKafka;

my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");

# Run the relay to completion; returns (exit code, stderr).
sub run_relay
{
	my @args = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ $relay, @args ], '<', \undef, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($? >> 8, $err);
}

sub new_node
{
	my ($name, %params) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => $params{wal_level} // 'logical');
	my $knows = WalcastTest::knows_allow_list($node);
	$node->append_conf('postgresql.conf',
		"output_plugin_libraries = '$params{plugins}'")
	  if $knows && defined $params{plugins};
	WalcastTest::use_build_dir($node);
	$node->start;
	return ($node, $knows);
}

my ($node, $knows) = new_node('errors', plugins => 'pgoutput, test_decoding, walcast');
my $connstr = $node->connstr('postgres');

# Unreachable PostgreSQL.
my ($rc, $err) = run_relay('-d', 'host=127.0.0.1 port=1 dbname=x password=hunter2');
is($rc, 1, 'unreachable server: exit 1');
like($err, qr/error: could not connect to the server \(.*password=\*\*\*\*\*\*\*\*.*\): /,
	'unreachable server: message with masked connection info');
like($err, qr/hint: Check that the server is running/, 'unreachable server: hint');
unlike($err, qr/hunter2/, 'password never logged');

# Authentication failure.
$node->safe_psql('postgres',
	"CREATE ROLE pwuser LOGIN REPLICATION PASSWORD 'right-password'");
my $hba = $node->data_dir . '/pg_hba.conf';
my $hba_text = slurp_file($hba);
open my $fh, '>', $hba or die $!;
print $fh "local all pwuser scram-sha-256\n$hba_text";
close $fh;
$node->reload;
($rc, $err) = run_relay('-d', "$connstr user=pwuser password=wrong-password");
is($rc, 1, 'authentication failure: exit 1');
like($err, qr/password authentication failed for user "pwuser"/,
	'authentication failure: server message');
like($err, qr/hint: Check the user name and password/, 'authentication failure: hint');
unlike($err, qr/wrong-password/, 'wrong password never logged');

# A slot created with another plugin.
$node->safe_psql('postgres',
	"SELECT pg_create_logical_replication_slot('other', 'test_decoding')");
($rc, $err) = run_relay('-d', $connstr, '-S', 'other');
is($rc, 1, 'foreign slot: exit 1');
like($err, qr/replication slot "other" was created with output plugin "test_decoding", not "walcast"/,
	'foreign slot: names the plugin');
like($err, qr/hint: Use another slot name/, 'foreign slot: hint');

# A slot in use by another process.
my $busy = IPC::Run::start([ $relay, '-d', $connstr, '-S', 'busy' ],
	'<', \undef, '>', '/dev/null', '2>', \my $busy_err);
$node->poll_query_until('postgres',
	"SELECT active FROM pg_replication_slots WHERE slot_name = 'busy'")
  or die "Timed out while waiting for the first relay to stream";
($rc, $err) = run_relay('-d', $connstr, '-S', 'busy');
is($rc, 1, 'busy slot: exit 1');
like($err, qr/replication slot "busy" is active for PID \d+/, 'busy slot: names the PID');
$busy->signal('TERM');
$busy->finish;
is($? >> 8, 0, 'the first relay stops with exit 0 on SIGTERM');

# Unreachable Kafka at startup.
($rc, $err) = run_relay('-d', $connstr, '-b', '127.0.0.1:1',
	'-X', 'socket.connection.setup.timeout.ms=1000');
is($rc, 1, 'unreachable Kafka: exit 1');
like($err, qr/could not connect to Kafka: /, 'unreachable Kafka: message');
like($err, qr/hint: Check bootstrap.servers/, 'unreachable Kafka: hint');

# An invalid librdkafka property names the property.
($rc, $err) = run_relay('-d', $connstr, '-b', '127.0.0.1:1', '-X', 'no.such.property=1');
is($rc, 1, 'invalid Kafka property: exit 1');
like($err, qr/invalid Kafka property "no.such.property": /, 'invalid Kafka property: named');

# wal_level below logical.
my ($replica) = new_node('errors_replica', wal_level => 1);
($rc, $err) = run_relay('-d', $replica->connstr('postgres'));
is($rc, 1, 'wal_level replica: exit 1');
like($err, qr/logical decoding requires "wal_level" = "logical"/, 'wal_level: message');
like($err, qr/hint: Set wal_level = logical/, 'wal_level: hint');
$replica->stop;

# The plugin missing from output_plugin_libraries (servers that have it).
SKIP:
{
	skip 'server has no output_plugin_libraries', 3 unless $knows;
	my ($strict) = new_node('errors_strict', plugins => 'pgoutput, test_decoding');
	($rc, $err) = run_relay('-d', $strict->connstr('postgres'));
	is($rc, 1, 'plugin not allowed: exit 1');
	like($err, qr/could not create replication slot "walcast": .*may not be used as an output plugin/,
		'plugin not allowed: message');
	like($err, qr/hint: Add walcast to output_plugin_libraries/, 'plugin not allowed: hint');
	$strict->stop;
}

# A failed delivery stops progress: with a short message.timeout.ms and the
# broker down, the relay must exit 1 without confirming the failed changes.
SKIP:
{
	skip 'no Kafka broker available', 4
	  if WalcastKafka::missing_prerequisite() && $ENV{WALCAST_KAFKA_SKIP};
	WalcastKafka::require_kafka();
	my $kafka = WalcastKafka->new('errors');
	$kafka->start_broker;
	$node->safe_psql('postgres', 'CREATE TABLE t (id int PRIMARY KEY)');
	my $log = "$PostgreSQL::Test::Utils::tmp_check/relay_073.log";
	my $h = IPC::Run::start(
		[ $relay, '-d', $connstr, '-S', 'fail', '-b', $kafka->bootstrap,
		  '-X', 'message.timeout.ms=3000', '--status-interval=1' ],
		'<', \undef, '>', '/dev/null', '2>', $log);
	$node->poll_query_until('postgres',
		"SELECT active FROM pg_replication_slots WHERE slot_name = 'fail'")
	  or die "Timed out while waiting for the relay to stream";
	$node->safe_psql('postgres', 'INSERT INTO t VALUES (1)');
	$kafka->poll_topic_until('postgres.public.t', 1)
	  or die "Timed out while waiting for the first record";
	$node->poll_query_until('postgres',
		"SELECT confirmed_flush_lsn >= pg_current_wal_lsn() FROM pg_replication_slots WHERE slot_name = 'fail'")
	  or die "Timed out while waiting for the first record to be confirmed";
	$kafka->stop_broker;
	my $before = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
	$node->safe_psql('postgres', 'INSERT INTO t VALUES (2)');
	$h->finish;
	is($? >> 8, 1, 'failed delivery: exit 1');
	like(slurp_file($log), qr/could not deliver message to topic "postgres.public.t": /,
		'failed delivery: logged with the topic');
	my $confirmed = $node->safe_psql('postgres',
		"SELECT confirmed_flush_lsn <= '$before' FROM pg_replication_slots WHERE slot_name = 'fail'");
	is($confirmed, 't', 'failed delivery: the failed change is not confirmed');
	$kafka->start_broker;
	my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
	($rc, $err) = run_relay('-d', $connstr, '-S', 'fail', '-b', $kafka->bootstrap,
		'-E', $endpos);
	my $records = $kafka->poll_topic_until('postgres.public.t', 2, decode_json => 1);
	ok($records && grep({ $_->{key}{payload}{id} == 2 } @$records),
		'failed change delivered by the next run');
	$kafka->stop_broker;
}

$node->stop;
done_testing();
