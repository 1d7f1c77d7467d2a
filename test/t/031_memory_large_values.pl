# Copyright (c) walcast contributors
#
# Memory for large values: decoding a row with one 100 MB value must not
# make whole extra copies of it.  Streams the row through pg_recvlogical in
# each output format (and a bytea in binary.handling.mode=hex, whose text is
# twice the value), waits until the client has received the event, then
# reads the walsender's peak memory (VmHWM, /proc/<pid>/status) before it
# exits, and bounds it by a multiple of the value's size.
#
# What a walsender holds at least, all of it PostgreSQL's: the value's TOAST
# chunks, which the reorder buffer keeps until the row is decoded (about
# 1.1x), the value reassembled from them (1x), the output message ctx->out
# (the event's text: 1x, 2x in hex) and the walsender's send buffer, into
# which the message is copied (1x, 2x in hex): measured 4.3x for text and
# 6.3x for hex.  Before walcast read the reassembled value in place and
# wrote the event straight into ctx->out, it also held a detoasted copy of
# the value and the event's own buffer: 6.3x and 9.3x.  The bounds sit
# between the two.  Once the event is written, the walsender keeps the send
# buffer and, before walcast shrank it, ctx->out's: RssAnon 2.2x (3.2x
# before) for text, 3.2x (5.3x) for hex.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use WalcastTest;

plan skip_all => 'needs /proc' unless -r "/proc/$$/status";

my $mb = 1024 * 1024;
my $size = 100 * $mb;

# logical_decoding_work_mem at its minimum, as in 030: the reorder buffer
# spills what it can (the value's TOAST chunks it keeps until the row is
# decoded, whatever the setting).
my $node = WalcastTest::new_node('large', "logical_decoding_work_mem = 64kB\n");
$node->start;
# STORAGE EXTERNAL: stored out of line uncompressed, so the value the
# decoder sees is the full 100 MB whatever the data.
$node->safe_psql('postgres', q{
CREATE TABLE big (id int PRIMARY KEY, t text, b bytea);
ALTER TABLE big ALTER COLUMN t SET STORAGE EXTERNAL;
ALTER TABLE big ALTER COLUMN b SET STORAGE EXTERNAL;
});

# The kB of a "Name:  N kB" line of /proc/<pid>/status, or undef once the
# process is gone.
sub proc_status_kb
{
	my ($pid, $name) = @_;
	open(my $fh, '<', "/proc/$pid/status") or return undef;
	my $kb;
	while (<$fh>)
	{
		$kb = $1 if /^\Q$name\E:\s+(\d+)\s+kB/;
	}
	close $fh;
	return $kb;
}

# Insert one row with column $col set to $sql, stream it with @options, and
# return the walsender's peak memory in bytes; check that afterwards its
# private memory (RssAnon) falls under $keep_bound times the value.
sub walsender_peak
{
	my ($col, $sql, $keep_bound, @options) = @_;
	$node->safe_psql('postgres',
		"SELECT 1 FROM pg_create_logical_replication_slot('large', 'walcast')");
	$node->safe_psql('postgres', "INSERT INTO big (id, $col) VALUES (1, $sql)");
	my $out = $node->basedir . '/large.out';
	unlink $out;
	my $h = IPC::Run::start(
		[
			'pg_recvlogical', '-d', $node->connstr('postgres'), '-S', 'large',
			'--start', '-f', $out, '-F', '0', map { ('-o', $_) } @options
		]);
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	my ($pid, $peak) = ('', 0);
	while (time() < $deadline)
	{
		$pid = $node->safe_psql('postgres',
			"SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'large'")
		  if $pid eq '';
		if ($pid ne '')
		{
			my $hwm = proc_status_kb($pid, 'VmHWM');
			last unless defined $hwm;
			$peak = $hwm;
		}
		# the whole event has reached the client: the peak is behind us
		last if -s $out && -s $out >= $size;
		last unless $h->pumpable;
		usleep(50_000);
	}
	my $hwm = $pid ne '' ? proc_status_kb($pid, 'VmHWM') : undef;
	$peak = $hwm if defined $hwm && $hwm > $peak;
	# What it keeps once the event is written: walcast gives ctx->out's
	# large buffer back; PostgreSQL keeps its send buffer.
	my $after;
	my $settle = time() + 30;
	while ($pid ne '' && time() < $settle)
	{
		$after = proc_status_kb($pid, 'RssAnon');
		last if !defined $after || $after * 1024 < $keep_bound * $size;
		usleep(100_000);
	}
	my $received = -s $out // 0;
	$h->signal('TERM');
	$h->finish;
	$node->poll_query_until('postgres',
		"SELECT NOT active FROM pg_replication_slots WHERE slot_name = 'large'")
	  or die "Timed out while waiting for the walsender to exit";
	$node->safe_psql('postgres', "SELECT pg_drop_replication_slot('large')");
	$node->safe_psql('postgres', 'TRUNCATE big');
	ok($received >= $size, "event received ($received bytes)");
	ok(defined $after && $after * 1024 < $keep_bound * $size,
		sprintf("afterwards the walsender keeps %.0f MB, under %.1f x the value",
			($after // 0) / 1024, $keep_bound));
	return $peak * 1024;
}

# 100 MB of hex digits: text whose JSON is its own size (no escaping).
my $text = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, $size / 32) i)";
my @cases = (
	[ 'text, output.format=value', 't', $text, 5.0, 2.7, [] ],
	[ 'text, output.format=record', 't', $text, 5.0, 2.7, ['output.format=record'] ],
	[ 'text, output.format=relay', 't', $text, 5.0, 2.7, ['output.format=relay'] ],
	[
		'bytea, binary.handling.mode=hex', 'b', "decode($text, 'hex') || decode($text, 'hex')",
		7.5, 4.2, ['binary.handling.mode=hex']
	],
);
foreach my $case (@cases)
{
	my ($name, $col, $sql, $bound, $keep_bound, $options) = @$case;
	my $peak = walsender_peak($col, $sql, $keep_bound, @$options);
	my $ratio = $peak / $size;
	note(sprintf("%s: walsender peak %.0f MB, %.2f x the value", $name,
		$peak / $mb, $ratio));
	cmp_ok($ratio, '<', $bound,
		sprintf("%s: walsender peak %.0f MB is under %.1f x the 100 MB value",
			$name, $peak / $mb, $bound));
}

$node->stop;
done_testing();
