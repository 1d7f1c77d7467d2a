# Copyright (c) walcast contributors
#
# Every record walcast writes must be one a Kafka Connect consumer accepts:
# each key and value is given to Kafka Connect's real JsonConverter
# (schemas.enable=true, toConnectData, then the schema's own validation) by
# test/connect/connect.sh, which fails on any it rejects (a null where the
# schema says required, a value of the wrong type, ...).
#
# The records come from
#   - every vendored golden case (test/golden/cases), played as 020_golden.pl
#     plays them, with the case's options and output.format=record (keys too);
#   - every pg_regress suite (sql/*.sql), run in its own database while a
#     capture slot records everything it changes; the capture slot is then
#     read with output.format=record in several option sets (every handling
#     mode, transaction metadata, truncates), and every row the suite itself
#     printed that is a {"schema":...,"payload":...} document is checked too;
#   - a few rows of this file: arrays with NULL elements of every kind,
#     NOT NULL columns with values that have no encoding in some modes.
use strict;
use warnings FATAL => 'all';

use File::Basename qw(basename dirname);
use Cwd qw(abs_path);
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $top = abs_path(dirname(__FILE__) . '/../..');
my $connect_sh = "$top/test/connect/connect.sh";
my $out = "$PostgreSQL::Test::Utils::tmp_check/connect";
mkdir $out;

# The tool must be there: without it this file proves nothing.
my ($ok, $stdout, $stderr);
$ok = IPC::Run::run([ $connect_sh, 'check', '/dev/null' ],
	'>', \$stdout, '2>', \$stderr);
if ($stderr =~ /connect\.sh fetch/)
{
	fail("the JsonConverter check is built: $stderr");
	done_testing();
	exit 1;
}

# check(name, files...): one test, the converter's verdict on these files.
sub check
{
	my ($name, @files) = @_;
	my ($o, $e);
	my $good = IPC::Run::run([ $connect_sh, 'check', @files ],
		'>', \$o, '2>', \$e);
	my @last = split /\n/, $o;
	ok($good, "$name: " . ($last[-1] // 'no output'))
	  or diag(substr($o, 0, 20000) . $e);
	return ($good, $o);
}

# The check can fail: a record whose array item is required but null.
{
	my $bad = "$out/negative.jsonl";
	open my $fh, '>', $bad or die $!;
	print $fh '{"topic":"t","key":null,"value":{"schema":{"type":"struct","fields":'
	  . '[{"type":"array","items":{"type":"string","optional":false},"optional":true,'
	  . '"field":"a"}],"optional":false},"payload":{"a":["x",null]}}}' . "\n";
	close $fh;
	my ($o, $e);
	my $rc = IPC::Run::run([ $connect_sh, 'check', $bad ], '>', \$o, '2>', \$e);
	ok(!$rc && $o =~ /Invalid null value for required STRING field/,
		'the check rejects a null item of a required array item schema')
	  or diag($o . $e);
}

my $node = WalcastTest::new_node('connect',
	"timezone = 'UTC'\nlogical_decoding_work_mem = 64kB\nlc_messages = 'C'\n");
$node->start;
$ENV{PGCLIENTENCODING} = 'UTF8';

# psql_file(db, file): run a SQL file; (stdout, stderr) of psql -At.
sub psql_file
{
	my ($db, $file, $stop) = @_;
	my ($o, $e);
	$node->psql($db, undef,
		stdout => \$o,
		stderr => \$e,
		extra_params =>
		  [ '-At', '-v', 'ON_ERROR_STOP=' . ($stop ? 1 : 0), '-f', $file ]);
	return ($o // '', $e // '');
}

sub sql_literal
{
	my ($s) = @_;
	$s =~ s/'/''/g;
	return "'$s'";
}

sub variadic
{
	my (@kv) = @_;
	return ', VARIADIC ARRAY[' . join(', ', map { sql_literal($_) } @kv) . ']::text[]';
}

# Read a slot's records in one option set into a file; returns the file, or
# undef (with a failed test) when decoding fails.
sub read_records
{
	my ($db, $slot, $fn, $file, @opts) = @_;
	my ($ret, $o, $e) = $node->psql($db,
		"SELECT data FROM $fn('$slot', NULL, NULL"
		  . variadic(@opts, 'output.format', 'record') . ')');
	if ($ret != 0)
	{
		fail("$file: decoding with (@opts)");
		diag($e);
		return undef;
	}
	open my $fh, '>:raw', "$out/$file" or die $!;
	print $fh $o, "\n";
	close $fh;
	return "$out/$file";
}

sub flush_wal
{
	# Decoding reads flushed WAL only: a synchronous commit elsewhere flushes
	# everything before it.
	$node->safe_psql('postgres',
		"SET synchronous_commit = on; SELECT pg_logical_emit_message(true, 'flush', '')");
	return;
}

sub fresh_db
{
	my ($db) = @_;
	$node->safe_psql('postgres', "DROP DATABASE IF EXISTS $db WITH (FORCE)");
	$node->safe_psql('postgres',
		"CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'");
	return;
}

# 1. The golden cases, with their own options.
my @golden;
foreach my $case (sort glob("$top/test/golden/cases/*"))
{
	my $name = basename($case);
	fresh_db('inventory');
	my (undef, $err) = psql_file('inventory', "$case/setup.sql", 1);
	$node->safe_psql('inventory',
		"SELECT 1 FROM pg_create_logical_replication_slot('connect', 'walcast')");
	my (undef, $err2) = psql_file('inventory', "$case/changes.sql", 1);
	flush_wal();
	# 020_golden.pl tells which case fails to run; here its records count
	diag("$name: $err$err2") if "$err$err2" =~ /ERROR/;
	my $file = read_records('inventory', 'connect', 'pg_logical_slot_get_changes',
		"golden-$name.jsonl", WalcastTest::golden_case_options($case));
	$node->safe_psql('inventory', "SELECT pg_drop_replication_slot('connect')");
	push @golden, $file if defined $file;
}
ok(@golden >= 49, 'every golden case played');
check('golden cases', @golden);

# 2. The pg_regress suites.  Option sets the capture slot is read in: every
# handling mode at least once, with truncates and transaction records.
my @option_sets = (
	[],
	[
		'decimal.handling.mode' => 'string',
		'time.precision.mode' => 'connect',
		'binary.handling.mode' => 'base64',
		'interval.handling.mode' => 'string',
		'hstore.handling.mode' => 'map',
		'include.unknown.datatypes' => 'true',
		'provide.transaction.metadata' => 'true',
		'skipped.operations' => 'none'
	],
	[
		'decimal.handling.mode' => 'double',
		'time.precision.mode' => 'isostring',
		'binary.handling.mode' => 'hex',
		'tombstones.on.delete' => 'false'
	],
	[
		'time.precision.mode' => 'microseconds',
		'binary.handling.mode' => 'base64-url-safe'
	],
	[ 'time.precision.mode' => 'nanoseconds' ],
	[ 'time.precision.mode' => 'adaptive_time_microseconds' ],
);

my $json = JSON::PP->new->allow_nonref;

# The rows a suite printed that are Connect documents (schema and payload),
# or records (topic, key, value), as records for the check.
sub printed_records
{
	my ($text) = @_;
	my @recs;
	for my $line (split /\n/, $text)
	{
		next unless $line =~ /^\{/;
		my $doc = eval { $json->decode($line) };
		next unless ref $doc eq 'HASH';
		if (exists $doc->{schema} && exists $doc->{payload})
		{
			push @recs, '{"topic":"printed","key":null,"value":' . $line . '}';
		}
		elsif (exists $doc->{topic} && exists $doc->{value}
			&& (ref $doc->{value} eq 'HASH' && exists $doc->{value}{schema}))
		{
			push @recs, $line;
		}
	}
	return @recs;
}

# play(name, sql file, options...): run it in a fresh database under a
# capture slot; returns the record files.  The options are added to every
# option set.
sub play
{
	my ($name, $sql, @extra) = @_;
	my @files;
	fresh_db('contrib_regression');
	$node->safe_psql('contrib_regression',
		"SELECT 1 FROM pg_create_logical_replication_slot('capture', 'walcast')");
	my ($printed) = psql_file('contrib_regression', $sql, 0);
	flush_wal();
	my @recs = printed_records($printed);
	if (@recs)
	{
		open my $fh, '>:raw', "$out/suite-$name-printed.jsonl" or die $!;
		print $fh "$_\n" for @recs;
		close $fh;
		push @files, "$out/suite-$name-printed.jsonl";
	}
	for my $i (0 .. $#option_sets)
	{
		my $f = read_records('contrib_regression', 'capture',
			'pg_logical_slot_peek_changes', "suite-$name-$i.jsonl",
			@{ $option_sets[$i] }, @extra);
		push @files, $f if defined $f;
	}
	$node->safe_psql('contrib_regression',
		"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
	return @files;
}

my @suites = sort glob("$top/sql/*.sql");
ok(@suites >= 17, 'the pg_regress suites are there');
my @suite_files;
push @suite_files, play(basename($_, '.sql'), $_) for @suites;
check('pg_regress suites', @suite_files);

# 3. NULL elements in arrays of every element kind whose items Debezium
# declares required, a NOT NULL array column, and NOT NULL columns of the
# types whose values Debezium may write as null.
my $extra = "$out/arrays.sql";
open my $fh, '>', $extra or die $!;
print $fh <<'EOF';
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE arr (id int PRIMARY KEY, e mood[], tv tsvector[], en mood[] NOT NULL,
  i2 int2vector, ov oidvector, t text[]);
INSERT INTO arr VALUES (1, '{sad,NULL,happy}', ARRAY['a b'::tsvector, NULL], '{NULL}',
  '1 2', '3 4', '{x,NULL}');
INSERT INTO arr VALUES (2, '{NULL}', ARRAY[NULL::tsvector], '{}', '', '', '{NULL}');
INSERT INTO arr VALUES (3, NULL, NULL, '{ok}', NULL, NULL, NULL);
UPDATE arr SET e = '{NULL,ok}', tv = '{NULL}' WHERE id = 3;
DELETE FROM arr WHERE id = 1;
-- columns written as null whatever their value, or with edge values; NOT NULL
CREATE TABLE nn (id int PRIMARY KEY, nm name NOT NULL, b3 bit(3)[] NOT NULL,
  d date NOT NULL, tz timestamptz NOT NULL, tt timetz NOT NULL, i interval NOT NULL,
  j jsonb NOT NULL, f float8 NOT NULL);
INSERT INTO nn VALUES (1, 'n', '{101,NULL}', '0001-01-01 BC', '0001-01-01 00:00:00+00 BC',
  '24:00:00-15:59', '178000000 years', 'null', 'NaN');
INSERT INTO nn VALUES (2, '', '{}', '-infinity', 'infinity', '00:00:00+15:59',
  '-178000000 years', '{}', '-Infinity');
INSERT INTO nn VALUES (3, 'x', '{000}', '5874897-12-31', '294276-12-31 23:59:59.999999+00',
  '00:00:00+00', '0', '[]', '-0');
DELETE FROM nn;
-- NOT NULL columns whose value has no encoding but null in some modes: NaN
-- and infinite numerics (decimal.handling.mode=precise, and numeric arrays
-- in every mode) and timestamps beyond int64 nanoseconds
-- (time.precision.mode=nanoseconds).  Such events are skipped (warn): none
-- may be written with a null under a required schema.
CREATE TABLE nv (id int PRIMARY KEY, n numeric NOT NULL, n52 numeric(5,2) NOT NULL,
  ts timestamp NOT NULL, an numeric[] NOT NULL);
CREATE TABLE nk (k numeric PRIMARY KEY);
INSERT INTO nv VALUES (1, 'NaN', 1, '2020-01-01', '{1}');
INSERT INTO nv VALUES (2, 1, 'NaN', '2020-01-01', '{1}');
INSERT INTO nv VALUES (3, '-Infinity', 1, '2020-01-01', '{1}');
INSERT INTO nv VALUES (4, 1, 1, '0001-01-01 BC', '{1}');
INSERT INTO nv VALUES (5, 1, 1, '2262-04-12', '{1}');
INSERT INTO nv VALUES (6, 1, 1, '1677-09-20', '{1}');
INSERT INTO nv VALUES (7, 1, 1, '2020-01-01', '{1,NaN}');
INSERT INTO nv VALUES (8, 1, 1, '2020-01-01', '{1}');
INSERT INTO nk VALUES ('NaN');
UPDATE nv SET n = 'NaN' WHERE id = 8;
DELETE FROM nk;
EOF
close $fh;
check('arrays with NULL elements, values without an encoding',
	play('arrays', $extra, 'event.processing.failure.handling.mode' => 'warn'));

$node->stop;
done_testing();
