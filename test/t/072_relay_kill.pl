# Copyright (c) walcast contributors

# The relay's at-least-once promise under kill -9: two concurrent writers
# commit 144,000 changes (120,000 inserts and 24,000 updates, 100 rows per
# transaction) while the relay streams them into a real Kafka broker; the
# relay is killed with SIGKILL mid-stream and started again.  Every
# committed change must be in Kafka, the last event of every row must be its
# latest state, and the duplicates (allowed) are counted and reported.
#
# The relay tells the server its acknowledged position about a second after
# it moves, not only every --status-interval: here the interval is an hour
# (and the walsender never asks for a reply), so before the kill the slot's
# confirmed_flush_lsn must catch up with the relay's position by those
# prompt updates alone; the replay after the kill is then about a second of
# changes instead of everything since the relay started.

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

my $rows_per_writer = 60_000;
my $writers = 2;
my $rows = $rows_per_writer * $writers;
my $updates = $rows / 5;

my $kafka = WalcastKafka->new('relay_kill');
$kafka->start_broker;
my $bootstrap = $kafka->bootstrap;

my $node = WalcastTest::new_node('relay_kill', "wal_sender_timeout = 0\n");
$node->start;
my $connstr = $node->connstr('postgres');

# Each writer inserts its range and updates every fifth row, committing
# every 100 rows and pausing a little so the stream lasts several seconds.
$node->safe_psql('postgres', q{
	CREATE TABLE load (id int PRIMARY KEY, v int, pad text);
	CREATE PROCEDURE write_range(lo int, hi int) LANGUAGE plpgsql AS $$
	BEGIN
		FOR i IN lo..hi LOOP
			INSERT INTO load VALUES (i, 0, repeat('x', 50));
			IF i % 5 = 0 THEN
				UPDATE load SET v = 1 WHERE id = i;
			END IF;
			IF i % 100 = 0 THEN
				COMMIT;
				IF i % 1000 = 0 THEN
					PERFORM pg_sleep(0.05);
				END IF;
			END IF;
		END LOOP;
	END $$;
});
command_ok([ $relay, '-d', $connstr, '--create-slot' ], 'slot created');

my $topic = 'postgres.public.load';
my $log = "$PostgreSQL::Test::Utils::tmp_check/relay_072.log";
my @cmd = ($relay, '-d', $connstr, '-b', $bootstrap,
	'-o', 'schemas.enable=false', '--status-interval=3600',
	'--progress-interval=1');

sub start_relay
{
	my ($suffix) = @_;
	return IPC::Run::start(\@cmd, '<', \undef, '>', '/dev/null', '2>>', $log);
}

# Delivered count from the relay's latest progress line.
sub delivered
{
	my $text = -e $log ? slurp_file($log) : '';
	my @counts = $text =~ /(\d+) delivered/g;
	return @counts ? $counts[-1] : 0;
}

my $relay_h = start_relay();
my @writer_h;
for my $w (0 .. $writers - 1)
{
	my $lo = $w * $rows_per_writer + 1;
	my $hi = ($w + 1) * $rows_per_writer;
	push @writer_h, IPC::Run::start(
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $connstr,
		  '-c', "CALL write_range($lo, $hi)" ],
		'<', \undef, '>', '/dev/null', '2>', \my $err);
}

# Kill the relay once a good part of the stream is through, and the slot
# has caught up with a position the relay had confirmed by then.
my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
usleep(200_000) while delivered() < 30_000 && time() < $deadline;
ok(delivered() >= 30_000, 'relay delivered part of the stream');
my @confirmed = (-e $log ? slurp_file($log) : '') =~ /confirmed ([0-9A-F]+\/[0-9A-F]+)/g;
my $relay_confirmed = $confirmed[-1] // '0/0';
ok($node->poll_query_until('postgres',
		"SELECT confirmed_flush_lsn >= '$relay_confirmed' FROM pg_replication_slots WHERE slot_name = 'walcast'"),
	"slot confirmed up to the relay's position $relay_confirmed within the status interval");
my $pid = $relay_h->{KIDS}[0]{PID};
kill 'KILL', $pid;
$relay_h->finish;
note("killed the relay (pid $pid) after about " . delivered() . " delivered messages");
my $writing = grep { $_->pumpable } @writer_h;
note("writers still running at the kill: $writing");

# The walsender notices the lost client shortly; then restart the relay.
$node->poll_query_until('postgres',
	"SELECT NOT active FROM pg_replication_slots WHERE slot_name = 'walcast'")
  or die "Timed out while waiting for the slot to become inactive";
$relay_h = start_relay();

$_->finish for @writer_h;
is($node->safe_psql('postgres', 'SELECT count(*) FROM load'), $rows,
	'writers committed every row');

# Wait until every change is on the topic.
my ($total, %first, %last, %count);
$deadline = time() + 4 * $PostgreSQL::Test::Utils::timeout_default;
while (time() < $deadline)
{
	my ($out, $err);
	IPC::Run::run(
		[ 'kcat', '-C', '-b', $bootstrap, '-t', $topic, '-o', 'beginning',
		  '-e', '-q', '-f', '%k %s\n' ],
		'<', \undef, '>', \$out, '2>', \$err);
	(%first, %last, %count) = ();
	$total = 0;
	for my $line (split /\n/, $out)
	{
		my ($id) = $line =~ /^\{"id":(\d+)\}/ or next;
		my ($op) = $line =~ /"op":"(.)"/;
		$op //= 'tombstone';
		$total++;
		$count{"$id$op"}++;
		$first{"$id$op"} //= $total;
		$last{$id} = $op;
	}
	last if keys %count >= $rows + $updates;
	usleep(500_000);
}

my $missing = 0;
my $order_errors = 0;
for my $id (1 .. $rows)
{
	$missing++ unless $count{"${id}c"};
	if ($id % 5 == 0)
	{
		$missing++ unless $count{"${id}u"};
		$order_errors++
		  if ($last{$id} // '') ne 'u'
		  || ($first{"${id}u"} // 0) < ($first{"${id}c"} // 0);
	}
	else
	{
		$order_errors++ if ($last{$id} // '') ne 'c';
	}
}
is($missing, 0, "every committed change is in Kafka ($total records read)");
is($order_errors, 0, 'per-key order: every row\'s last event is its latest state');
my $duplicates = $total - scalar(keys %count);
note("duplicates after kill -9 and restart: $duplicates of $total records");
cmp_ok($duplicates, '>=', 0, "duplicates counted: $duplicates");

$relay_h->signal('TERM');
$relay_h->finish;
is($? >> 8, 0, 'restarted relay stops cleanly on SIGTERM');

$node->stop;
$kafka->stop_broker;
done_testing();
