# Copyright (c) walcast contributors
#
# walcast against real Debezium: plays every vendored golden case
# (test/golden/cases, Debezium 3.6.3's own output) against the installed
# plugin, the way Debezium saw it (a fresh database "inventory", setup.sql,
# a slot, changes.sql in a new session), and compares each value with
# Debezium's, field by field, with test/golden/compare-values.
use strict;
use warnings FATAL => 'all';

use File::Basename qw(basename dirname);
use Cwd qw(abs_path);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $golden = abs_path(dirname(__FILE__) . '/../golden');
my @cases = sort glob("$golden/cases/*");
ok(@cases >= 49, 'the golden cases are there');

my $node = WalcastTest::new_node('golden', "timezone = 'UTC'\n");
$node->start;
$ENV{PGCLIENTENCODING} = 'UTF8';

# Run a SQL file in database inventory, stopping at the first error.
sub run_file
{
	my ($file) = @_;
	my ($ret, $out, $err) = $node->psql('inventory', undef,
		extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
	return $ret == 0 ? '' : $err;
}

sub plugin_options
{
	my ($case) = @_;
	my @opts = map { my $s = $_; $s =~ s/'/''/g; "'$s'" }
	  WalcastTest::golden_case_options($case);
	return @opts ? ', VARIADIC ARRAY[' . join(', ', @opts) . ']::text[]' : '';
}

foreach my $case (@cases)
{
	my $name = basename($case);
	$node->safe_psql('postgres', 'DROP DATABASE IF EXISTS inventory WITH (FORCE)');
	$node->safe_psql('postgres', 'CREATE DATABASE inventory');
	my $err = run_file("$case/setup.sql");
	if ($err ne '')
	{
		fail("$name: setup.sql");
		diag($err);
		next;
	}
	$node->safe_psql('inventory',
		"SELECT 1 FROM pg_create_logical_replication_slot('golden', 'walcast')");
	$err = run_file("$case/changes.sql");
	# Decoding reads flushed WAL only: a synchronous commit elsewhere flushes
	# everything before it (the slot in inventory does not see database postgres).
	$node->safe_psql('postgres',
		"SET synchronous_commit = on; SELECT pg_logical_emit_message(true, 'flush', '')");
	my $values = $node->safe_psql('inventory',
		"SELECT data FROM pg_logical_slot_get_changes('golden', NULL, NULL"
		  . plugin_options($case) . ')');
	$node->safe_psql('inventory', "SELECT pg_drop_replication_slot('golden')");
	if ($err ne '')
	{
		fail("$name: changes.sql");
		diag($err);
		next;
	}
	my $out = "$PostgreSQL::Test::Utils::tmp_check/golden-$name.out";
	open my $fh, '>:raw', $out or die $!;
	print $fh $values, "\n";
	close $fh;
	my @cmd = ('python3', "$golden/compare-values", "$case/debezium.jsonl", $out);
	push @cmd, "$case/deviations.json" if -f "$case/deviations.json";
	my ($stdout, $stderr);
	my $ok = IPC::Run::run(\@cmd, '>', \$stdout, '2>', \$stderr);
	ok($ok, "$name: equal to Debezium") or diag($stdout . $stderr);
}

$node->stop;
done_testing();
