# Copyright (c) walcast contributors

# walcast-relay into a real Kafka broker (test/perl/WalcastKafka.pm):
# inserts, updates, deletes and truncates across several tables arrive on
# the right topics with the right keys, Debezium values, tombstones, context
# headers and per-key order; then, with the relay running, the broker is
# stopped mid-stream and started again, and PostgreSQL is restarted
# mid-stream: the relay waits or reconnects, and nothing is lost.  Finally
# SIGTERM stops it with exit status 0.

use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::RealBin/../perl";

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;
use Time::HiRes qw(usleep);
use WalcastKafka;

WalcastKafka::require_kafka();

my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");

my $kafka = WalcastKafka->new('relay');
$kafka->start_broker;
my $bootstrap = $kafka->bootstrap;

my $node = WalcastTest::new_node('relay_kafka');
$node->start;
my $connstr = $node->connstr('postgres');

$node->safe_psql('postgres', q{
	CREATE TABLE customers (id int PRIMARY KEY, name text);
	CREATE TABLE orders (id int PRIMARY KEY, customer int, total numeric);
	CREATE TABLE notes (body text);   -- no key
	CREATE TABLE seq_events (id int PRIMARY KEY, phase int);
});

my @common = ('-d', $connstr, '-b', $bootstrap, '-o', 'skipped.operations=none',
	'-X', 'topic.metadata.refresh.interval.ms=1000', '--status-interval=1',
	'--progress-interval=2');

# Part 1: one run to --endpos, then check every record.  The slot must
# exist before the changes.
command_ok([ $relay, '-d', $connstr, '--create-slot' ], 'slot created');
$node->safe_psql('postgres', q{
	INSERT INTO customers VALUES (1, 'ann'), (2, 'bob');
	INSERT INTO orders VALUES (10, 1, 5.50), (11, 2, 7);
	UPDATE customers SET name = 'anne' WHERE id = 1;
	UPDATE customers SET name = 'annie' WHERE id = 1;
	DELETE FROM orders WHERE id = 11;
	UPDATE orders SET id = 12 WHERE id = 10;
	INSERT INTO notes VALUES ('keyless');
	TRUNCATE notes;
});
$node->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO customers VALUES (3, 'cy');
	UPDATE customers SET name = 'bobby' WHERE id = 2;
	COMMIT;
});
my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
my ($out, $err) = ('', '');
my $ok = IPC::Run::run([ $relay, @common, '-E', $endpos, '--no-loop' ],
	'<', \undef, '>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
ok($ok, 'relay streamed to --endpos and exited 0') or diag($err);
is($out, '', 'nothing on stdout in Kafka mode');

my $customers = $kafka->poll_topic_until('postgres.public.customers', 6, decode_json => 1)
  or die "Timed out while waiting for customers records";
is_deeply(
	[ map { [ $_->{key}{payload}{id}, $_->{value}{payload}{op}, $_->{value}{payload}{after}{name} ] } @$customers ],
	[
		[ 1, 'c', 'ann' ], [ 2, 'c', 'bob' ], [ 1, 'u', 'anne' ],
		[ 1, 'u', 'annie' ], [ 3, 'c', 'cy' ], [ 2, 'u', 'bobby' ],
	],
	'customers: keys, ops and per-key order');
is($customers->[0]{key}{schema}{name}, 'postgres.public.customers.Key',
	'key carries its Kafka Connect schema');
is($customers->[0]{value}{schema}{name}, 'postgres.public.customers.Envelope',
	'value carries its Kafka Connect schema');

my %headers = map { $_->[0] => $_->[1] } @{ $customers->[0]{headers} };
is($headers{'__debezium.context.connectorLogicalName'}, 'postgres', 'context header: logical name');
is($headers{'__debezium.context.taskId'}, '0', 'context header: task id');
is($headers{'__debezium.context.connectorName'}, 'postgresql', 'context header: connector name');
like($headers{'__debezium.context.runId'},
	qr/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
	'context header: runId is a UUID version 7');
is_deeply([ map { $_->[0] } @{ $customers->[0]{headers} } ],
	[ qw(__debezium.context.connectorLogicalName __debezium.context.taskId
		  __debezium.context.connectorName __debezium.context.runId) ],
	'context headers in Debezium\'s order');

my $orders = $kafka->poll_topic_until('postgres.public.orders', 7, decode_json => 1)
  or die "Timed out while waiting for orders records";
is_deeply(
	[ map { [ $_->{key}{payload}{id}, defined $_->{value} ? $_->{value}{payload}{op} : 'tombstone' ] } @$orders ],
	[
		[ 10, 'c' ], [ 11, 'c' ], [ 11, 'd' ], [ 11, 'tombstone' ],
		[ 10, 'd' ], [ 10, 'tombstone' ], [ 12, 'c' ],
	],
	'orders: delete then tombstone; key change as delete, tombstone, create');
my %kc = map { $_->[0] => $_->[1] } @{ $orders->[4]{headers} };
is($kc{'__debezium.newkey'}, '{"id":12}', 'newkey header on the key change\'s delete');
%kc = map { $_->[0] => $_->[1] } @{ $orders->[6]{headers} };
is($kc{'__debezium.oldkey'}, '{"id":10}', 'oldkey header on the key change\'s create');

my $notes = $kafka->poll_topic_until('postgres.public.notes', 2, decode_json => 1)
  or die "Timed out while waiting for notes records";
is($notes->[0]{key}, undef, 'table without key: null Kafka key');
is($notes->[1]{value}{payload}{op}, 't', 'truncate event');

# Part 2: a long-running relay through a broker outage and a server restart.
my $log = "$PostgreSQL::Test::Utils::tmp_check/relay_071.log";
my $h = IPC::Run::start([ $relay, @common, '-o', 'schemas.enable=false' ],
	'<', \undef, '>', \$out, '2>', $log);

sub insert_phase
{
	my ($phase, $from, $to) = @_;
	$node->safe_psql('postgres',
		"INSERT INTO seq_events SELECT g, $phase FROM generate_series($from, $to) g");
	return;
}

# Every id in [1, $n] present on the topic; returns the number of duplicates.
sub wait_for_ids
{
	my ($n) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (time() < $deadline)
	{
		my $recs = $kafka->consume_topic('postgres.public.seq_events');
		my %seen;
		$seen{$_->{key}}++ for @$recs;
		my $missing = grep { !$seen{"{\"id\":$_}"} } 1 .. $n;
		return scalar(@$recs) - scalar(keys %seen) if $missing == 0;
		usleep(200_000);
	}
	return undef;
}

insert_phase(1, 1, 1000);
my $dups = wait_for_ids(1000);
ok(defined $dups, 'phase 1 delivered with the relay running');

$kafka->stop_broker;
insert_phase(2, 1001, 3000);
sleep 3;
insert_phase(3, 3001, 4000);
$kafka->start_broker;
$dups = wait_for_ids(4000);
ok(defined $dups, 'broker stopped and restarted mid-stream: nothing lost');
note("duplicates after the broker outage: " . ($dups // 'n/a'));

insert_phase(4, 4001, 6000);
$node->restart;
insert_phase(5, 6001, 8000);
$dups = wait_for_ids(8000);
ok(defined $dups, 'PostgreSQL restarted mid-stream: nothing lost');
note("duplicates after the restart: " . ($dups // 'n/a'));

$h->signal('TERM');
$h->finish;
is($? >> 8, 0, 'SIGTERM: exit status 0');
my $text = slurp_file($log);
like($text, qr/reconnecting in 1 s \(attempt 1\)/, 'reconnection logged');
like($text, qr/progress: .* events\/s/, 'progress lines logged');
like($text, qr/received stop signal; shutting down/, 'shutdown logged');
note($text =~ s/^/# /mgr) if $ENV{WALCAST_VERBOSE};

my $confirmed = $node->safe_psql('postgres',
	"SELECT confirmed_flush_lsn > '$endpos' FROM pg_replication_slots WHERE slot_name = 'walcast'");
is($confirmed, 't', 'slot advanced');

$node->stop;
$kafka->stop_broker;
done_testing();
