
# Copyright (c) walcast contributors

# Smoke test of the decoder benchmark (test/bench/run): at a tiny scale it
# builds its private instance, decodes the workload with every plugin both
# ways, and writes a results table with one row per path and method.  No
# timing is asserted: this only proves the benchmark still runs.

use strict;
use warnings FATAL => 'all';

# test/perl, also when prove is run without -I test/perl.
use FindBin;
use lib "$FindBin::RealBin/../perl";

use File::Basename qw(dirname);
use PostgreSQL::Test::Utils;
use Test::More;
# Only for its defaults for standalone prove runs (TESTDIR, PG_REGRESS, PATH).
use WalcastKafka ();

my $run = dirname(__FILE__) . '/../bench/run';
my $out = PostgreSQL::Test::Utils::tempdir('bench');

my ($stdout, $stderr);
my $ok = IPC::Run::run(
	[ $run, '--scale', '0.001', '--repeat', '1', '--out', $out ],
	'<', \undef, '>', \$stdout, '2>', \$stderr,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
print "# bench stdout:\n$stdout\n# bench stderr:\n$stderr\n";
ok($ok, 'benchmark driver exits successfully');

# Rows of the table: | path | method | wall | ... | ratio |
sub table_rows
{
	my ($text) = @_;
	my %rows;
	for my $line (split /\n/, $text)
	{
		next unless $line =~ /^\|/ && $line !~ /^\|-/;
		my @cells = map { s/^\s+|\s+$//gr } split /\|/, $line;
		shift @cells;    # before the first "|"
		next if $cells[0] eq 'path';
		$rows{"$cells[0]/$cells[1]"} = \@cells;
	}
	return \%rows;
}

my $rows = table_rows($stdout);
for my $path ('pgoutput', 'test_decoding', 'wal2json v1', 'wal2json v2')
{
	for my $method ('stream', 'peek')
	{
		my $row = $rows->{"$path/$method"};
		ok($row, "table has a row for $path $method");
		next unless $row;
		like($row->[2], qr/^\d+\.\d+/, "$path $method has a wall time");
		like($row->[6], qr/^[1-9]\d*$/, "$path $method has output bytes");
		like($row->[7], qr/^[1-9]\d*$/, "$path $method has a message count");
	}
}
is($rows->{'pgoutput/stream'}[8], '1.00', 'pgoutput streamed is the baseline');

# walcast is measured when installed, and otherwise skipped with a reason.
for my $path ('walcast schemas on', 'walcast schemas off')
{
	for my $method ('stream', 'peek')
	{
		my $row = $rows->{"$path/$method"};
		ok($row && ($row->[2] =~ /^\d+\.\d+/ || $row->[2] =~ /^skipped: \S/),
			"table has a measured or skipped row for $path $method");
	}
}

# The results files.
ok(-f "$out/latest.txt", 'results table written');
ok(-f "$out/latest.tsv", 'raw runs written');
if (-x '/usr/bin/gnuplot')
{
	ok(-s "$out/latest.png", 'plot written');
}
my $saved = slurp_file("$out/latest.txt");
is_deeply([ sort keys %{ table_rows($saved) } ], [ sort keys %$rows ],
	'the results file holds the printed table');
my @tsv = split /\n/, slurp_file("$out/latest.tsv");
is(scalar @tsv, 1 + scalar(grep { $_->[2] !~ /^skipped/ } values %$rows),
	'one raw line per measured run');

done_testing();
