# Copyright (c) walcast contributors
#
# Memory of long-lived processes: what the plugin keeps across transactions
# and across SQL calls must be freed there too.
#
# - A walsender streams tens of thousands of small transactions with
#   provide.transaction.metadata=true, each touching several tables (the
#   END record's per-table counts were once kept in the decoding context,
#   and their names never freed).
# - One backend calls pg_logical_slot_peek_changes thousands of times with
#   include and exclude lists (compiled regular expressions, malloc'd by
#   PostgreSQL 15, were once never freed).
#
# Memory is sampled twice at rest, after a warm-up and after the long run:
# the walsender's memory contexts through pg_log_backend_memory_contexts,
# the backend's through pg_backend_memory_contexts and its RssAnon (malloc'd
# memory is in no context).  A leak of one allocation per transaction or per
# call grows them by megabytes; without one they stay within a few hundred
# kB.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use WalcastTest;

plan skip_all => 'needs /proc' unless -r "/proc/$$/status";

my $node = WalcastTest::new_node('memory_long');
$node->start;

# Four tables with long names: every transaction counts events in four data
# collections.
my @tables = map { 'table_with_a_rather_long_name_for_transaction_metadata_' . $_ }
  1 .. 4;
$node->safe_psql('postgres',
	join('', map { "CREATE TABLE $_ (id int PRIMARY KEY, v text);\n" } @tables)
	  . "CREATE PROCEDURE many(n int) LANGUAGE plpgsql AS \$\$\n"
	  . "DECLARE base int := coalesce((SELECT max(id) FROM $tables[0]), 0);\n"
	  . "BEGIN\n  FOR i IN base + 1 .. base + n LOOP\n"
	  . join('', map { "    INSERT INTO $_ VALUES (i, 'v');\n" } @tables)
	  . "    COMMIT;\n  END LOOP;\nEND \$\$;\n");

# The "Grand total" (bytes) that pg_log_backend_memory_contexts logs for $pid.
sub logged_context_total
{
	my ($pid) = @_;
	my $offset = -s $node->logfile;
	$node->safe_psql('postgres', "SELECT pg_log_backend_memory_contexts($pid)");
	my $total;
	foreach (1 .. 10 * $PostgreSQL::Test::Utils::timeout_default)
	{
		my $log = slurp_file($node->logfile, $offset);
		if ($log =~ /\[$pid\] .*LOG:  Grand total: (\d+) bytes/)
		{
			$total = $1;
			last;
		}
		usleep(100_000);
	}
	defined $total
	  or die "Timed out while waiting for the memory contexts of process $pid";
	return $total;
}

# RssAnon (kB) of $pid.
sub rss_anon
{
	my ($pid) = @_;
	open(my $fh, '<', "/proc/$pid/status") or die "could not open status of $pid: $!";
	my ($kb) = map { /^RssAnon:\s+(\d+)/ ? $1 : () } <$fh>;
	close $fh;
	return $kb;
}

# --- the walsender ------------------------------------------------------

$node->safe_psql('postgres',
	"SELECT 1 FROM pg_create_logical_replication_slot('stream', 'walcast')");
my $recv = IPC::Run::start(
	[
		'pg_recvlogical', '-d', $node->connstr('postgres'), '-S', 'stream',
		'--start', '-f', '/dev/null', '-s', '1',
		'-o', 'provide.transaction.metadata=true'
	]);
$node->poll_query_until('postgres',
	"SELECT active_pid IS NOT NULL FROM pg_replication_slots WHERE slot_name = 'stream'")
  or die "Timed out while waiting for pg_recvlogical to start streaming";
my $walsender = $node->safe_psql('postgres',
	"SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'stream'");

# Commit $n transactions and wait until the walsender has decoded them all.
sub stream_transactions
{
	my ($n) = @_;
	$node->safe_psql('postgres', "SET synchronous_commit = off; CALL many($n)");
	my $end = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
	$node->poll_query_until('postgres',
		"SELECT sent_lsn >= '$end' FROM pg_stat_replication WHERE pid = $walsender")
	  or die "Timed out while waiting for the walsender to decode up to $end";
	return;
}

stream_transactions(5_000);
my $ws_early = logged_context_total($walsender);
stream_transactions(40_000);
my $ws_late = logged_context_total($walsender);
note "walsender memory contexts: $ws_early bytes after 5,000 transactions, "
  . "$ws_late bytes after 45,000";
cmp_ok($ws_late - $ws_early, '<', 512 * 1024,
	'walsender: 40,000 more transactions with transaction metadata, '
	  . "less than 512 kB more memory ($ws_early, $ws_late bytes)");
is($node->safe_psql('postgres',
		"SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'stream'"),
	$walsender, 'walsender: the same process streamed every transaction');
$recv->kill_kill;
$node->poll_query_until('postgres',
	"SELECT NOT active FROM pg_replication_slots WHERE slot_name = 'stream'")
  or die "Timed out while waiting for the walsender to stop";
$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('stream')");

# --- SQL calls in one backend --------------------------------------------

$node->safe_psql('postgres', q{
	SELECT 1 FROM pg_create_logical_replication_slot('sql', 'walcast');
	CALL many(2);
	SELECT pg_logical_emit_message(true, 'app.audit', 'hello');
});
my $session = $node->background_psql('postgres');
my $backend = $session->query_safe('SELECT pg_backend_pid()');
my $call = q{SELECT count(*) FROM pg_logical_slot_peek_changes('sql', NULL, NULL,
	'table.include.list', 'public\.table_with_.*_1, public\.table_with_.*_2, public\.table_with_.*_3',
	'column.exclude.list', 'public\..*\.v, public\..*\.nothing[0-9]+',
	'message.prefix.include.list', 'app\..*, other\..*',
	'schema.include.list', 'public, extra_[a-z]+',
	'provide.transaction.metadata', 'true');};
my $result;

# Make $n calls, 100 statements at a time.
sub sql_calls
{
	my ($n) = @_;
	for (my $done = 0; $done < $n; $done += 100)
	{
		$result = $session->query_safe(join("\n", ($call) x 100));
	}
	return;
}

my $contexts = 'SELECT sum(total_bytes) FROM pg_backend_memory_contexts';
sql_calls(500);
my $rss_early = rss_anon($backend);
my $cxt_early = $session->query_safe($contexts);
sql_calls(4_000);
my $rss_late = rss_anon($backend);
my $cxt_late = $session->query_safe($contexts);
note "backend: RssAnon $rss_early kB after 500 calls, $rss_late kB after 4,500; "
  . "memory contexts $cxt_early bytes, $cxt_late bytes";
like($result, qr/^13$/m,
	'backend: each call decodes the included changes (two transactions of three tables, a message)');
cmp_ok($rss_late - $rss_early, '<', 1024,
	'backend: 4,000 more calls with include and exclude lists, '
	  . "less than 1 MB more RssAnon ($rss_early kB, $rss_late kB)");
cmp_ok($cxt_late - $cxt_early, '<', 256 * 1024,
	'backend: 4,000 more calls, less than 256 kB more in memory contexts '
	  . "($cxt_early, $cxt_late bytes)");
$session->quit;

$node->stop;
done_testing();
