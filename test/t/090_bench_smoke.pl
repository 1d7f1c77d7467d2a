# Copyright (c) walcast contributors

# Smoke test of the benchmark (test/bench/run): at a tiny scale it builds its
# private instances, decodes workload (a) with every plugin both ways and
# the 400-column workload (w) with pgoutput and walcast, sends
# it through walcast-relay into a real Kafka broker (lz4 and uncompressed)
# and through a bare kcat producer (the broker's ingest ceiling), measures
# latency under a short pgbench run (workload b), and writes the results
# table, the raw runs and the plot.  Debezium (a Kafka Connect JVM per run,
# several seconds each) is left out unless WALCAST_BENCH_DEBEZIUM=1.  No
# timing is asserted: this only proves the benchmark still runs.

use strict;
use warnings FATAL => 'all';

# test/perl, also when prove is run without -I test/perl.
use FindBin;
use lib "$FindBin::RealBin/../perl";

use File::Basename qw(dirname);
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastKafka ();

my $run = dirname(__FILE__) . '/../bench/run';
my $out = PostgreSQL::Test::Utils::tempdir('bench');

# Without a broker (and WALCAST_KAFKA_SKIP=1) only the decoder suite runs.
my $kafka_missing = WalcastKafka::missing_prerequisite();
if (defined $kafka_missing && !$ENV{WALCAST_KAFKA_SKIP})
{
	fail("Kafka broker available: $kafka_missing (set WALCAST_KAFKA_SKIP=1 to skip)");
	done_testing();
	exit 1;
}
my $with_kafka = !defined $kafka_missing;
my $with_dbz = $with_kafka && $ENV{WALCAST_BENCH_DEBEZIUM};

my @cmd = (
	$run, '--scale', '0.001', '--repeat', '1', '--out', $out,
	'--oltp-rate', '100', '--oltp-seconds', '2', '--oltp-warmup', '0',
	'--dbz-poll-ms', '10');
push @cmd, '--suites', 'decoder,wide' unless $with_kafka;
push @cmd, '--no-debezium' unless $with_dbz;

my ($stdout, $stderr);
my $ok = IPC::Run::run(\@cmd, '<', \undef, '>', \$stdout, '2>', \$stderr,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
print "# bench stdout:\n$stdout\n# bench stderr:\n$stderr\n";
ok($ok, 'benchmark driver exits successfully');

# The tables of the output, by section ("## name"): rows keyed by their
# first cells (the decoder's by path/method, the others by path).
sub tables
{
	my ($text) = @_;
	my (%t, $section);
	for my $line (split /\n/, $text)
	{
		if ($line =~ /^## (\w+)/)
		{
			$section = $1;
			next;
		}
		next unless defined $section && $line =~ /^\|/ && $line !~ /^\|-/;
		my @cells = map { s/^\s+|\s+$//gr } split /\|/, $line;
		shift @cells;    # before the first "|"
		next if $cells[0] eq 'path' || $cells[0] eq 'target (design.md)';
		my $key =
		  $section eq 'decoder' || $section eq 'wide'
		  ? "$cells[0]/$cells[1]"
		  : $cells[0];
		$t{$section}{$key} = \@cells;
	}
	return \%t;
}

my $t = tables($stdout);
my $rows = $t->{decoder} // {};
for my $path ('pgoutput', 'test_decoding', 'wal2json v1', 'wal2json v2')
{
	for my $method ('stream', 'peek')
	{
		my $row = $rows->{"$path/$method"};
		ok($row, "decoder table has a row for $path $method");
		next unless $row;
		like($row->[2], qr/^\d+\.\d+/, "$path $method has a wall time");
		like($row->[6], qr/^[1-9]\d*$/, "$path $method has output bytes");
		like($row->[7], qr/^[1-9]\d*$/, "$path $method has a message count");
	}
}
is($rows->{'pgoutput/stream'}[8], '1.00', 'pgoutput streamed is the baseline');

# walcast is measured when installed, and otherwise skipped with a reason.
for my $path ('walcast schemas on', 'walcast schemas off', 'walcast relay')
{
	for my $method ('stream', 'peek')
	{
		my $row = $rows->{"$path/$method"};
		ok($row && ($row->[2] =~ /^\d+\.\d+/ || $row->[2] =~ /^skipped: \S/),
			"decoder table has a measured or skipped row for $path $method");
	}
}

# The wide table: pgoutput as the baseline, walcast's paths with ratios.
my $wide = $t->{wide} // {};
for my $method ('stream', 'peek')
{
	my $base = $wide->{"pgoutput/$method"};
	ok($base, "wide table has a row for pgoutput $method");
	next unless $base;
	like($base->[5], qr/^[1-9]\d*$/, "wide: pgoutput $method has output bytes");
	is($base->[6], '1.00', "wide: pgoutput $method is its own baseline");
	for my $path ('walcast schemas on', 'walcast schemas off', 'walcast relay')
	{
		my $row = $wide->{"$path/$method"};
		my ($skipped) = grep { m{^\Q$path\E/skipped: \S} } keys %$wide;
		if (!$row && $skipped)
		{
			pass("wide: $path $method skipped with a reason");
			next;
		}
		ok($row, "wide table has a row for $path $method");
		next unless $row;
		like($row->[6], qr/^\d+\.\d\d$/, "wide: $path $method has a wall ratio");
		like($row->[7], qr/^(\d+\.\d\d)?$/, "wide: $path $method has a CPU ratio or none");
	}
}

SKIP:
{
	skip "no Kafka broker: $kafka_missing", 1 unless $with_kafka;

	my @e2e = ('walcast-relay lz4', 'walcast-relay none', 'kcat none (ceiling)');
	push @e2e, 'Debezium lz4' if $with_dbz;
	for my $path (@e2e)
	{
		my $row = $t->{e2e}{$path};
		ok($row, "e2e table has a row for $path");
		next unless $row;
		like($row->[1], qr/^\d+\.\d+/, "$path has a wall time");
		like($row->[2], qr/^[\d,]+$/, "$path has a record rate");
	}
	like($t->{e2e}{'walcast-relay lz4'}[3] // '', qr/^[1-9][\d.]*/,
		'the relay\'s peak RSS is measured');
	like($t->{e2e}{'walcast-relay none'}[6] // '', qr/of ceiling/,
		'the uncompressed relay is compared with the ceiling');
	ok(!exists $t->{e2e}{'Debezium lz4'}, 'Debezium left out without the flag')
	  unless $with_dbz;

	my @lat = ('walcast-relay');
	push @lat, 'Debezium poll.interval.ms=10' if $with_dbz;
	for my $path (@lat)
	{
		my $row = $t->{latency}{$path};
		ok($row, "latency table has a row for $path");
		next unless $row;
		like($row->[1], qr/^[1-9]\d*$/, "$path latency has records");
		like($row->[3], qr/^-?\d+/, "$path latency has a p99");
	}

	my $targets = $t->{targets} // {};
	is(scalar keys %$targets, 7, 'every target of design.md is listed');
	like($_->[2], qr/^(yes|NO|-)$/, "target \"$_->[0]\" says met or not")
	  for values %$targets;

	ok(-f "$out/latest-e2e.tsv", 'raw e2e runs written');
	ok(-f "$out/latest-latency.tsv", 'raw latency runs written');
}

# The results files.
ok(-f "$out/latest.txt", 'results table written');
ok(-f "$out/latest.tsv", 'raw decoder runs written');
if (-x '/usr/bin/gnuplot')
{
	ok(-s "$out/latest.png", 'plot written');
}
my $saved = slurp_file("$out/latest.txt");
is_deeply(tables($saved), $t, 'the results file holds the printed tables');
my @tsv = split /\n/, slurp_file("$out/latest.tsv");
is(scalar @tsv, 1 + scalar(grep { $_->[2] !~ /^skipped/ } values %$rows),
	'one raw line per measured decoder run');

done_testing();
