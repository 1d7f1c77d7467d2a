# Copyright (c) walcast contributors
#
# Events too large to be written: a row whose event would not fit in one
# output message (PostgreSQL allocates at most 1 GB at once) is caught
# before its value is converted, and event.processing.failure.handling.mode
# decides: fail (an ERROR naming the table and the LSN, never the row's
# data, with a hint naming the option), warn (a WARNING, the event left
# out) or skip (left out, logged at DEBUG1).  The limit is lowered with
# walcast.testing.max.message.bytes, so no test needs 1 GB of memory.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $limit = 100_000;
my $node = WalcastTest::new_node('toolarge', '');
$node->start;
$node->safe_psql('postgres', q{
CREATE TABLE big (id int PRIMARY KEY, t text, b bytea);
CREATE TABLE "Odd ""name""" (k text PRIMARY KEY, v int);
SELECT 1 FROM pg_create_logical_replication_slot('s', 'walcast');
});
# One transaction: a small row, a row too large (200,000 bytes of text),
# and a small row again.
$node->safe_psql('postgres', q{
BEGIN;
INSERT INTO big (id, t) VALUES (1, 'small one');
INSERT INTO big (id, t) VALUES (2, repeat('secret', 40000));
INSERT INTO big (id, t) VALUES (3, 'small two');
COMMIT;
});
my $lsn_re = qr{[0-9A-F]+/[0-9A-F]+};

# Peek the slot's changes; returns (exit code, rows, stderr).
sub peek
{
	my ($binary, @options) = @_;
	# the relay's frames are ASCII headers and JSON: readable as text
	my ($fn, $data) =
	  $binary
	  ? ('pg_logical_slot_peek_binary_changes', "convert_from(data, 'UTF8')")
	  : ('pg_logical_slot_peek_changes', 'data');
	my $opts = join('', map { ", '$_'" } @options);
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		"SET client_min_messages = debug1; "
		  . "SELECT $data FROM $fn('s', NULL, NULL, 'include.volatile', '0', "
		  . "'walcast.testing.max.message.bytes', '$limit'$opts)",
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	return ($ret, $stdout, $stderr);
}

foreach my $format ('value', 'record', 'relay')
{
	my $binary = $format eq 'relay';
	my @f = ('output.format', $format);

	# fail, the default
	my ($ret, $out, $err) = peek($binary, @f);
	isnt($ret, 0, "$format: fail: decoding stops");
	like($err,
		qr/ERROR:  54000: event of table "public"."big" at LSN $lsn_re exceeds the maximum message size of $limit bytes/,
		"$format: fail: program_limit_exceeded naming the table and the LSN");
	like($err,
		qr/HINT:  Set event.processing.failure.handling.mode to "warn" or "skip" to skip such events./,
		"$format: fail: the hint names the option");
	unlike($err, qr/secret/, "$format: fail: no row data in the message");

	# warn
	($ret, $out, $err) = peek($binary, @f, 'event.processing.failure.handling.mode', 'warn');
	is($ret, 0, "$format: warn: decoding goes on");
	like($err,
		qr/WARNING:  54000: skipped event of table "public"."big" at LSN $lsn_re: it exceeds the maximum message size of $limit bytes/,
		"$format: warn: a WARNING naming the table and the LSN");
	like($out, qr/small one.*small two/s, "$format: warn: the other events are written");
	unlike($out, qr/secret/, "$format: warn: the large event is left out");
	unlike($err, qr/secret/, "$format: warn: no row data in the message");

	# skip
	($ret, $out, $err) = peek($binary, @f, 'event.processing.failure.handling.mode', 'skip');
	is($ret, 0, "$format: skip: decoding goes on");
	unlike($err, qr/WARNING/, "$format: skip: no warning");
	like($err, qr/DEBUG:  54000: skipped event of table "public"."big" at LSN $lsn_re/,
		"$format: skip: logged at DEBUG1");
	like($out, qr/small one.*small two/s, "$format: skip: the other events are written");
	unlike($out, qr/secret/, "$format: skip: the large event is left out");
}

# Transaction metadata counts only the events written.
my ($ret, $out, $err) = peek(0, 'output.format', 'record', 'schemas.enable', 'false',
	'provide.transaction.metadata', 'true',
	'event.processing.failure.handling.mode', 'skip');
like($out, qr/"status":"END".*"event_count":2,"data_collections":\[\{"data_collection":"public.big","event_count":2\}\]/,
	'END record counts the two events written');
like($out, qr/"id":3.*"total_order":2,"data_collection_order":2/,
	'the event after the skipped one is second in its transaction');
$node->safe_psql('postgres', "SELECT 1 FROM pg_logical_slot_get_changes('s', NULL, NULL)");

# The check is on the JSON's exact size, not a worst case: 90,000 bytes of
# text fit under the 100,000-byte limit; 60,000 bytes of bytea fit in
# base64 (80,000) but not in hex (120,000).
$node->safe_psql('postgres', q{
INSERT INTO big (id, t) VALUES (4, repeat('a', 90000));
INSERT INTO big (id, b) VALUES (5, decode(repeat('00', 60000), 'hex'));
});
($ret, $out, $err) = peek(0, 'schemas.enable', 'false',
	'event.processing.failure.handling.mode', 'warn');
is($ret, 0, 'large events under the limit: decoding goes on');
unlike($err, qr/WARNING/, 'text and base64 bytea under the limit are written');
is(scalar(() = $out =~ /"op":"c"/g), 2, 'both events are written');
($ret, $out, $err) = peek(0, 'schemas.enable', 'false', 'binary.handling.mode', 'hex',
	'event.processing.failure.handling.mode', 'warn');
like($err, qr/WARNING:  54000: skipped event of table "public"."big"/,
	'hex bytea over the limit is skipped');
is(scalar(() = $out =~ /"op":"c"/g), 1, 'the text event is still written');
$node->safe_psql('postgres', "SELECT 1 FROM pg_logical_slot_get_changes('s', NULL, NULL)");

# Keys count too (a 200,000-byte key, compressed in its index), and a
# delete left out writes no tombstone either.
$node->safe_psql('postgres', q{
INSERT INTO "Odd ""name""" VALUES (repeat('k', 200000), 1);
DELETE FROM "Odd ""name""";
});
($ret, $out, $err) = peek(0, 'output.format', 'record',
	'event.processing.failure.handling.mode', 'warn');
is($ret, 0, 'insert and delete of a large key: decoding goes on');
is(scalar(() = $err =~ /WARNING:  54000: skipped event of table "public"."Odd "name"" at LSN $lsn_re/g),
	2, 'both events are skipped, naming the table');
is($out, '', 'no event, no tombstone');
$node->safe_psql('postgres', "SELECT 1 FROM pg_logical_slot_get_changes('s', NULL, NULL)");

# Logical decoding messages too.
$node->safe_psql('postgres', q{
SELECT 1 FROM pg_logical_emit_message(true, 'big', repeat('m', 200000));
SELECT 1 FROM pg_logical_emit_message(true, 'small', 'tiny');
});
($ret, $out, $err) = peek(0, 'event.processing.failure.handling.mode', 'warn');
like($err,
	qr/WARNING:  54000: skipped logical decoding message at LSN $lsn_re: it exceeds the maximum message size of $limit bytes/,
	'a logical decoding message too large is skipped');
like($out, qr/"prefix":"small"/, 'the small message is written');
unlike($out, qr/"prefix":"big"/, 'the large message is left out');
($ret, $out, $err) = peek(0);
like($err, qr/ERROR:  54000: logical decoding message at LSN $lsn_re exceeds/,
	'fail: a logical decoding message too large stops decoding');

$node->safe_psql('postgres', "SELECT 1 FROM pg_logical_slot_get_changes('s', NULL, NULL)");

# Values a NOT NULL column cannot have in its encoding: Debezium has only
# null for NaN and infinite numerics with decimal.handling.mode=precise, for
# a numeric array holding one in any mode, and for timestamps beyond int64
# nanoseconds with time.precision.mode=nanoseconds, and null is not valid
# under the column's required schema.  Such an event cannot be written
# either, and the same option decides; a nullable column keeps its null.
$node->safe_psql('postgres', q{
CREATE TABLE unrep (id int PRIMARY KEY, n numeric NOT NULL, ts timestamp NOT NULL,
  an numeric[] NOT NULL, s text, nn numeric, nts timestamp);
CREATE TABLE nkey (k numeric PRIMARY KEY, s text);
BEGIN;
INSERT INTO unrep VALUES (1, 1.5, '2020-01-01', '{1}', 'first', 'NaN', '3000-01-01');
INSERT INTO unrep VALUES (2, 'NaN', '2020-01-01', '{1}', 'secret', NULL, NULL);
INSERT INTO unrep VALUES (3, 2, '3000-01-01', '{1}', 'three', NULL, NULL);
INSERT INTO unrep VALUES (4, 3, '2020-01-01', '{2,NaN}', 'secret', NULL, NULL);
INSERT INTO unrep VALUES (5, '-Infinity', '0001-01-01 BC', '{3}', 'secret', NULL, NULL);
INSERT INTO nkey VALUES ('Infinity', 'secret');
INSERT INTO unrep VALUES (6, 4, '2020-01-01', '{4}', 'last', NULL, '0001-01-01 BC');
COMMIT;
});
my $unrep = qr/"public"\."unrep" at LSN $lsn_re/;

# the ids of the unrep events written
sub written_ids
{
	my ($text) = @_;
	return join(',', $text =~ /"after":\{"id":(\d+)/g);
}

# fail: an ERROR with this code naming the column, the table and the LSN,
# a hint naming the options, and no row data.
sub check_fail
{
	my ($label, $binary, $code, $column, $mode, $hint, @opts) = @_;
	my ($ret, $out, $err) = peek($binary, @opts);
	isnt($ret, 0, "$label: decoding stops");
	like($err,
		qr/ERROR:  $code: value of NOT NULL column "$column" of table $unrep cannot be represented \Q$mode\E/,
		"$label: $code naming the column, the table and the LSN");
	like($err,
		qr/HINT:  \QSet $hint, or event.processing.failure.handling.mode to "warn" or "skip" to skip such events.\E/,
		"$label: the hint names both options");
	unlike($err, qr/secret/, "$label: no row data in the message");
	return;
}

foreach my $format ('value', 'record', 'relay')
{
	my $binary = $format eq 'relay';
	my @f = ('output.format', $format);

	check_fail("$format: NaN", $binary, '22003', 'n',
		'with decimal.handling.mode "precise"',
		'decimal.handling.mode to "string" or "double"', @f);

	my ($ret, $out, $err) =
	  peek($binary, @f, 'event.processing.failure.handling.mode', 'warn');
	is($ret, 0, "$format: warn: decoding goes on");
	like($err,
		qr/WARNING:  22003: skipped event of table $unrep: the value of NOT NULL column "n" cannot be represented with decimal.handling.mode "precise"/,
		"$format: warn: a WARNING for NaN");
	like($err,
		qr/WARNING:  22003: skipped event of table $unrep: the value of NOT NULL column "an" cannot be represented in any decimal.handling.mode/,
		"$format: warn: a WARNING for a numeric array holding NaN");
	like($err,
		qr/WARNING:  22003: skipped event of table "public"."nkey" at LSN $lsn_re: the value of NOT NULL column "k" cannot/,
		"$format: warn: a WARNING for an infinite key");
	is(scalar(() = $err =~ /WARNING/g), 4, "$format: warn: four events skipped");
	is(written_ids($out), '1,3,6', "$format: warn: the other events are written");
	like($out, qr/"nn":null,"nts":32503680000000000/,
		"$format: warn: a nullable column keeps its null");
	unlike($out, qr/secret/, "$format: warn: the events are left out");
	unlike($err, qr/secret/, "$format: warn: no row data in the message");

	($ret, $out, $err) = peek($binary, @f, 'event.processing.failure.handling.mode', 'skip');
	is($ret, 0, "$format: skip: decoding goes on");
	unlike($err, qr/WARNING/, "$format: skip: no warning");
	is(scalar(() = $err =~ /DEBUG:  22003: skipped event of table/g), 4,
		"$format: skip: four events logged at DEBUG1");
	is(written_ids($out), '1,3,6', "$format: skip: the other events are written");
}

# Timestamps beyond int64 nanoseconds.
my @nanos = ('time.precision.mode', 'nanoseconds', 'decimal.handling.mode', 'string');
check_fail('nanoseconds: a timestamp of year 3000', 0, '22008', 'ts',
	'with time.precision.mode "nanoseconds"',
	'time.precision.mode to "adaptive_time_microseconds" or "microseconds"', @nanos);
($ret, $out, $err) = peek(0, @nanos, 'event.processing.failure.handling.mode', 'warn');
is($ret, 0, 'nanoseconds: warn: decoding goes on');
is(scalar(() = $err =~ /WARNING:  22008: skipped event of table $unrep: the value of NOT NULL column "ts" cannot be represented with time.precision.mode "nanoseconds"/g),
	2, 'nanoseconds: warn: year 3000 and a BC timestamp are skipped');
is(written_ids($out), '1,2,6', 'nanoseconds: warn: NaN is written as a string');
like($out, qr/"nn":"NAN","nts":null\}.*"nts":null\}/s,
	'nanoseconds: warn: nullable timestamps beyond the range keep their null');
($ret, $out, $err) = peek(0, @nanos, 'event.processing.failure.handling.mode', 'skip');
is(scalar(() = $err =~ /DEBUG:  22008: skipped event/g), 2,
	'nanoseconds: skip: logged at DEBUG1');
is(written_ids($out), '1,2,6', 'nanoseconds: skip: the other events are written');

$node->stop;
done_testing();
