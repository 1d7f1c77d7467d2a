# Copyright (c) walcast contributors
#
# Memory: decoding a large transaction must not grow the walsender's private
# memory with the number of rows (the change context is reset after every
# change).  Streams a 20,000-row and a 400,000-row transaction through
# pg_recvlogical in each output format, samples the walsender's RssAnon from
# /proc, and compares the peaks.  logical_decoding_work_mem is at its
# minimum so the reorder buffer spills instead of holding the rows.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use WalcastTest;

plan skip_all => 'needs /proc' unless -r "/proc/$$/status";

my $node = WalcastTest::new_node('memory', "logical_decoding_work_mem = 64kB\n");
$node->start;
$node->safe_psql('postgres',
	'CREATE TABLE big (id bigserial PRIMARY KEY, customer text, amount numeric(12,2), '
	  . 'qty int, created_at timestamptz, note text, attrs jsonb)');

# Peak RssAnon (kB) of the walsender while it streams a transaction of $rows.
sub peak_rss
{
	my ($rows, @options) = @_;
	$node->safe_psql('postgres', 'TRUNCATE big');
	$node->safe_psql('postgres',
		"SELECT 1 FROM pg_create_logical_replication_slot('mem', 'walcast')");
	$node->safe_psql('postgres',
		"INSERT INTO big (customer, amount, qty, created_at, note, attrs) "
		  . "SELECT 'customer ' || i, i * 1.01, i % 100, now(), repeat('x', 50), '{\"a\": 1}' "
		  . "FROM generate_series(1, $rows) i");
	my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
	my $h = IPC::Run::start(
		[
			'pg_recvlogical', '-d', $node->connstr('postgres'), '-S', 'mem',
			'--start', '--endpos', $endpos, '-f', '/dev/null', '--no-loop',
			map { ('-o', $_) } @options
		]);
	my $pid;
	for (1 .. 1000)
	{
		$pid = $node->safe_psql('postgres',
			"SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'mem'");
		last if $pid ne '' || !$h->pumpable;
		usleep(10_000);
	}
	my $peak = 0;
	while ($pid ne '' && open(my $fh, '<', "/proc/$pid/status"))
	{
		while (<$fh>)
		{
			$peak = $1 if /^RssAnon:\s+(\d+)/ && $1 > $peak;
		}
		close $fh;
		last unless $h->pumpable;
		usleep(20_000);
	}
	$h->finish;
	$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('mem')");
	return $peak;
}

foreach my $format ('value', 'record', 'relay')
{
	my $small = peak_rss(20_000, "output.format=$format");
	my $large = peak_rss(400_000, "output.format=$format");
	ok($small > 0 && $large > 0, "$format: walsender memory sampled");
	cmp_ok($large - $small, '<', 4096,
		"$format: 20 times the rows, less than 4 MB more memory ($small kB, $large kB)");
}

$node->stop;
done_testing();
