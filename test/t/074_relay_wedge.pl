# Copyright (c) walcast contributors

# walcast-relay never wedges: each case below once left the pipeline stuck
# (or stopping on every restart without saying why) against a real Kafka
# broker.  Each must now either go on or stop with a message that names the
# cause and the fix:
#
#  - a record larger than --max-queue-bytes is accepted when the queue is
#    empty (it used to pause forever with nothing queued);
#  - a record over the broker's or the producer's size limit stops the relay
#    with the topic, the size and the property to raise
#    (event.processing.failure.handling.mode=fail), or is skipped and logged
#    with its position (warn);
#  - the <prefix>.message and <prefix>.transaction topics of a database named
#    "my db", or of a 242-character topic.prefix, are valid topic names;
#  - tables whose topics differ only by "." and "_" are named, with the fix;
#  - with auto.create.topics.enable=false the topic to create is named;
#  - a plugin error that reconnecting cannot fix (a publication that does not
#    exist, SQLSTATE 42704) stops the relay with a hint;
#  - a connection that fails right after it starts does not reset the
#    reconnection backoff.

use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::RealBin/../perl";

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use WalcastTest;
use WalcastKafka;

WalcastKafka::require_kafka();

my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");

# The broker accepts records up to 4 MB (its default is about 1 MB).
my $broker_limit = 4_000_000;
my $kafka = WalcastKafka->new('wedge',
	extra_config => { 'message.max.bytes' => $broker_limit });
$kafka->start_broker;
my $bootstrap = $kafka->bootstrap;

my $node = WalcastTest::new_node('relay_wedge');
$node->start;
my $connstr = $node->connstr('postgres');
my $logdir = $PostgreSQL::Test::Utils::tmp_check;
my $nlog = 0;

# Run the relay until it exits or $secs seconds have passed (then it is
# killed).  Returns (exit code or undef if it had to be killed, its stderr).
sub run_relay_bounded
{
	my ($secs, @args) = @_;
	my $log = "$logdir/relay_074_" . ++$nlog . '.log';
	my $h = IPC::Run::start([ $relay, @args ],
		'<', \undef, '>', '/dev/null', '2>', $log);
	my $deadline = time() + $secs;
	while ($h->pumpable && time() < $deadline)
	{
		$h->pump_nb;    # reaps the relay once it has exited
		usleep(100_000);
	}
	my $rc;
	if ($h->pumpable)
	{
		$h->kill_kill;
		$h->finish;
	}
	else
	{
		$h->finish;
		$rc = $? >> 8;
	}
	return ($rc, slurp_file($log));
}

sub create_slot
{
	my ($slot, $db) = @_;
	$db //= 'postgres';
	$node->safe_psql($db,
		"SELECT pg_create_logical_replication_slot('$slot', 'walcast')");
	return;
}

sub current_lsn
{
	return $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
}

sub confirmed_lsn
{
	my ($slot) = @_;
	return $node->safe_psql('postgres',
		"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '$slot'");
}

# A value of about $bytes incompressible bytes (lz4 does not shrink random hex).
sub random_text_sql
{
	my ($bytes) = @_;
	my $n = int($bytes / 32) + 1;
	return "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, $n))";
}

my $bounded = $PostgreSQL::Test::Utils::timeout_default;
my @kafka = ('-b', $bootstrap, '-X', 'topic.metadata.refresh.interval.ms=1000',
	'-o', 'schemas.enable=false');

# ---- a record larger than the whole queue ----
$node->safe_psql('postgres', 'CREATE TABLE big (id int PRIMARY KEY, v text)');
create_slot('w_queue');
$node->safe_psql('postgres',
	'INSERT INTO big VALUES (1, ' . random_text_sql(1_500_000) . ')');
my $endpos = current_lsn();
my ($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_queue',
	@kafka, '-v', '--max-queue-bytes=1048576',
	'-X', "message.max.bytes=$broker_limit", '-E', $endpos);
is($rc, 0, 'record larger than --max-queue-bytes: delivered, exit 0')
  or diag($log);
my $recs = $kafka->poll_topic_until('postgres.public.big', 1);
ok($recs && length($recs->[0]{value}) > 1_048_576,
	'record larger than --max-queue-bytes: on the topic');

# ---- records over the size limits ----
# Three slots at the same position: fail at the broker, fail at the producer,
# then warn (skip it and go on).
create_slot($_) for qw(w_broker w_client w_warn);
$node->safe_psql('postgres',
	'INSERT INTO big VALUES (2, ' . random_text_sql(5_000_000) . ')');
$node->safe_psql('postgres', "INSERT INTO big VALUES (3, 'small')");
$endpos = current_lsn();

($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_broker',
	@kafka, '-X', 'message.max.bytes=10000000', '--max-queue-bytes=16777216',
	'-E', $endpos);
is($rc, 1, 'record over the broker limit: exit 1');
like($log,
	qr/error: cannot deliver a record of \d+ bytes to topic "postgres.public.big": /,
	'record over the broker limit: topic and size named');
like($log, qr/hint: .*message\.max\.bytes.*max\.message\.bytes.*event\.processing\.failure\.handling\.mode/,
	'record over the broker limit: hint names the limits and the mode');
my $c = confirmed_lsn('w_broker');
is($node->safe_psql('postgres', "SELECT '$c'::pg_lsn < '$endpos'::pg_lsn"),
	't', 'record over the broker limit: not confirmed');

($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_client',
	@kafka, '-E', $endpos);
is($rc, 1, 'record over the producer limit: exit 1');
like($log,
	qr/error: cannot produce a record of \d+ bytes to topic "postgres.public.big": /,
	'record over the producer limit: topic and size named');
like($log, qr/hint: .*-X message\.max\.bytes=.*event\.processing\.failure\.handling\.mode/,
	'record over the producer limit: hint names the property and the mode');

{
	my $cfg = "$logdir/relay_074_warn.properties";
	open my $fh, '>', $cfg or die $!;
	print $fh "event.processing.failure.handling.mode=warn\n";
	close $fh;
	($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_warn',
		'-c', $cfg, @kafka, '-X', 'message.max.bytes=10000000',
		'--max-queue-bytes=16777216', '-E', $endpos);
	is($rc, 0, 'warn mode: goes on past the record, exit 0') or diag($log);
	like($log, qr/warning: skipped a record of \d+ bytes for topic "postgres.public.big" in the transaction ending at [0-9A-F]+\/[0-9A-F]+/,
		'warn mode: the skipped record and its position logged');
	ok($kafka->poll_topic_until('postgres.public.big', 2)
		  && grep({ ($_->{key} // '') eq '{"id":3}' } @{ $kafka->consume_topic('postgres.public.big') }),
		'warn mode: the next change delivered');
	$c = confirmed_lsn('w_warn');
	is($node->safe_psql('postgres', "SELECT '$c'::pg_lsn >= '$endpos'::pg_lsn"),
		't', 'warn mode: confirmed past the skipped record');
}
$node->safe_psql('postgres',
	"SELECT pg_drop_replication_slot(s) FROM unnest(ARRAY['w_broker', 'w_client', 'w_warn']) s");

# ---- topic names of the message and transaction topics ----
$node->safe_psql('postgres', 'CREATE DATABASE "my db"');
$node->safe_psql('my db', 'CREATE TABLE t (id int PRIMARY KEY)');
create_slot('w_mydb', 'my db');
$node->safe_psql('my db', q{
	SELECT pg_logical_emit_message(false, 'p', 'hello');
	INSERT INTO t VALUES (1);
});
$endpos = current_lsn();
($rc, $log) = run_relay_bounded($bounded, '-d', $node->connstr('my db'),
	'-S', 'w_mydb', @kafka, '-o', 'provide.transaction.metadata=true',
	'-E', $endpos);
is($rc, 0, 'database "my db": exit 0') or diag($log);
ok($kafka->poll_topic_until($_, 1), "database \"my db\": records on \"$_\"")
  for qw(my_db.message my_db.transaction my_db.public.t);

my $prefix = 'p' x 242;
create_slot('w_long');
$node->safe_psql('postgres', q{
	SELECT pg_logical_emit_message(false, 'p', 'hello');
	INSERT INTO big VALUES (4, 'x');
});
$endpos = current_lsn();
($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_long',
	@kafka, '-o', "topic.prefix=$prefix", '-o', 'provide.transaction.metadata=true',
	'-E', $endpos);
is($rc, 0, '242-character topic.prefix: exit 0') or diag($log);
ok($kafka->poll_topic_until(substr("$prefix.$_", 0, 249), 1),
	"242-character topic.prefix: records on the $_ topic, cut to 249 characters")
  for qw(message transaction);
$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('w_long')");

# ---- topics that collide in Kafka ----
$node->safe_psql('postgres', 'CREATE TABLE "my.t" (id int PRIMARY KEY); CREATE TABLE my_t (id int PRIMARY KEY)');
create_slot('w_collide');
$node->safe_psql('postgres', 'INSERT INTO "my.t" VALUES (1); INSERT INTO my_t VALUES (1)');
($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_collide',
	@kafka, '-E', current_lsn());
is($rc, 1, 'colliding topics: exit 1');
like($log, qr/error: topics "postgres.public.my_t" and "postgres.public.my.t" collide in Kafka/,
	'colliding topics: both named');
like($log, qr/hint: .*table\.exclude\.list/, 'colliding topics: hint names the fix');
$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('w_collide')");

# ---- a publication that does not exist: stop, do not retry forever ----
$node->safe_psql('postgres', 'CREATE TABLE p (id int PRIMARY KEY)');
create_slot('w_pub');
$node->safe_psql('postgres', 'INSERT INTO p VALUES (1)');
($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_pub',
	'-o', 'publication.name=nope');
is($rc, 1, 'missing publication: exit 1 instead of reconnecting forever');
like($log, qr/publication "nope" does not exist/, 'missing publication: server message');
like($log, qr/error: cannot go on after this error; reconnecting would fail the same way \(SQLSTATE 42704\)/,
	'missing publication: says why it stops');
like($log, qr/hint: Create the missing object/, 'missing publication: hint');
$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('w_pub')");

# ---- a connection that fails right after it starts: backoff grows ----
create_slot('w_backoff');
{
	my $blog = "$logdir/relay_074_backoff.log";
	my $h = IPC::Run::start([ $relay, '-d', $connstr, '-S', 'w_backoff' ],
		'<', \undef, '>', '/dev/null', '2>', $blog);
	my $deadline = time() + $bounded;
	my $grown = 0;
	while (time() < $deadline)
	{
		$node->safe_psql('postgres',
			"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'w_backoff' AND active_pid IS NOT NULL");
		if (slurp_file($blog) =~ /reconnecting in 4 s \(attempt 3\)/)
		{
			$grown = 1;
			last;
		}
		usleep(100_000);
	}
	ok($grown, 'sessions that fail at once: the backoff doubles instead of resetting')
	  or diag(slurp_file($blog));
	$h->signal('TERM');
	$h->finish;
}

# ---- auto.create.topics.enable=false: name the topic to create ----
$kafka->stop_broker;
open my $extra, '>>', $kafka->dir . '/extra.properties' or die $!;
print $extra "auto.create.topics.enable=false\n";
close $extra;
$kafka->start_broker;
$node->safe_psql('postgres', 'CREATE TABLE nocreate (id int PRIMARY KEY)');
create_slot('w_nocreate');
$node->safe_psql('postgres', 'INSERT INTO nocreate VALUES (1)');
($rc, $log) = run_relay_bounded($bounded, '-d', $connstr, '-S', 'w_nocreate',
	@kafka, '-X', 'topic.metadata.propagation.max.ms=3000', '-E', current_lsn());
is($rc, 1, 'topic missing, auto-creation off: exit 1');
like($log, qr/error: could not deliver message to topic "postgres.public.nocreate": /,
	'topic missing: message');
like($log, qr/hint: Create topic "postgres.public.nocreate".*auto\.create\.topics\.enable/,
	'topic missing: hint names the topic and auto.create.topics.enable');

$node->stop;
$kafka->stop_broker;
done_testing();
