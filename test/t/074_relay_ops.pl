# Copyright (c) walcast contributors

# walcast-relay as an operator runs it, without a broker (stdout mode):
#  - a clean stop waits for the server to end the copy, so the final status
#    update is in pg_replication_slots when the relay exits (the walsender is
#    frozen with SIGSTOP to show a relay that does not wait);
#  - the receive timeout: a frozen walsender is noticed and the relay
#    reconnects, while pings keep a healthy idle connection alive;
#  - SIGHUP reloads the configuration file and restarts the session with it,
#    without sending anything twice; an invalid file changes nothing;
#  - hints are chosen by SQLSTATE, so they appear under a server whose
#    messages are translated (LANGUAGE=de with lc_messages=C.UTF-8, when the
#    German catalog is installed).

use strict;
use warnings FATAL => 'all';

use FindBin;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use WalcastTest;

my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");

my $tmp = PostgreSQL::Test::Utils::tempdir;

# wal_sender_timeout = 0: the walsender neither asks for replies nor times
# out, so the only status updates the slot sees are the relay's own.
my $node = WalcastTest::new_node('relay_ops', "wal_sender_timeout = 0\n");
$node->start;
$node->safe_psql('postgres', 'CREATE TABLE t (id int PRIMARY KEY)');
my $connstr = $node->connstr('postgres');

sub write_file
{
	my ($path, $text) = @_;
	unlink $path;
	append_to_file($path, $text);
	return $path;
}

# Start the relay in the background, its output in files.
my $run = 0;
sub start_relay
{
	my @args = @_;
	$run++;
	my %r = (out => "$tmp/out$run", err => "$tmp/err$run");
	$r{h} = IPC::Run::start([ $relay, @args ], '<', \undef, '>', $r{out},
		'2>', $r{err});
	return \%r;
}

sub file_text
{
	my ($path) = @_;
	return -e $path ? slurp_file($path) : '';
}

# Wait until the file matches $re; true if it did before the deadline.
sub wait_for_file
{
	my ($path, $re) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (time() < $deadline)
	{
		return 1 if file_text($path) =~ $re;
		usleep(100_000);
	}
	diag("timed out waiting for $re in $path:\n" . file_text($path));
	return 0;
}

sub ids_in
{
	my ($path) = @_;
	my @ids;
	for my $line (split /\n/, file_text($path))
	{
		my $ev = JSON::PP->new->decode($line);
		push @ids, $ev->{key}{id} if defined $ev->{value};
	}
	return join(',', @ids);
}

sub walsender_pid
{
	my $pid;
	$node->poll_query_until('postgres',
		"SELECT active_pid IS NOT NULL FROM pg_replication_slots WHERE slot_name = 'walcast'")
	  or die "Timed out while waiting for the relay to stream";
	return $node->safe_psql('postgres',
		"SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'walcast'");
}

sub slot_confirmed
{
	return $node->safe_psql('postgres',
		"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'walcast'");
}

command_ok([ $relay, '-d', $connstr, '--create-slot' ], 'slot created');
my @quiet = ('-o', 'schemas.enable=false', '--progress-interval=0');

# ---- the final status update is applied before the relay exits ----
# -s 0: the final status is the only status update.
my $r = start_relay('-d', $connstr, @quiet, '-s', '0');
my $pid = walsender_pid();
$node->safe_psql('postgres', 'INSERT INTO t VALUES (1)');
ok(wait_for_file($r->{out}, qr/"id":1/), 'stop: the row is written');

# A frozen walsender cannot apply anything: a relay that exits now, without
# the server's answer to its CopyDone, leaves the slot behind silently.
kill 'STOP', $pid;
$r->{h}->signal('TERM');
$r->{h}->finish;
my $frozen = slot_confirmed();
kill 'CONT', $pid;
my $err = file_text($r->{err});
my ($final) = $err =~ /stopped; confirmed position (\S+)/;
ok(defined $final, 'stop: final position logged');
ok($frozen eq ($final // '') || $err =~ /did not end the replication stream within/,
	'stop: a relay whose final status was not applied says so');
is($?, 0, 'stop: exit status 0 on SIGTERM');

# With a live walsender, the slot has the final position once the relay exits.
$node->poll_query_until('postgres',
	"SELECT active_pid IS NULL FROM pg_replication_slots WHERE slot_name = 'walcast'")
  or die "Timed out while waiting for the slot to be released";
$r = start_relay('-d', $connstr, @quiet, '-s', '0');
walsender_pid();
$node->safe_psql('postgres', 'INSERT INTO t VALUES (2)');
ok(wait_for_file($r->{out}, qr/"id":2/), 'stop: the second row is written');
$r->{h}->signal('TERM');
$r->{h}->finish;
($final) = file_text($r->{err}) =~ /stopped; confirmed position (\S+)/;
is(slot_confirmed(), $final // 'none',
	'stop: the slot has the final position when the relay has exited');

# ---- the receive timeout ----
$r = start_relay('-d', $connstr, @quiet, '-s', '10', '--receive-timeout=2');
$pid = walsender_pid();
kill 'STOP', $pid;
ok(wait_for_file($r->{err}, qr/terminating the replication connection due to timeout/),
	'timeout: a frozen walsender is noticed');
ok(wait_for_file($r->{err}, qr/reconnecting in/), 'timeout: the relay reconnects');
kill 'CONT', $pid;
$node->poll_query_until('postgres',
	"SELECT active_pid IS NOT NULL AND active_pid <> $pid FROM pg_replication_slots WHERE slot_name = 'walcast'")
  or die "Timed out while waiting for the relay to stream again";
$node->safe_psql('postgres', 'INSERT INTO t VALUES (3)');
ok(wait_for_file($r->{out}, qr/"id":3/), 'timeout: streaming again after reconnecting');

# Idle and healthy: the relay pings at half the timeout and the walsender
# answers, so three pings (each a status update, 1 s apart) come and go
# without a timeout.
my $timeouts = () = file_text($r->{err}) =~ /due to timeout/g;
for my $ping (1 .. 3)
{
	my $reply = $node->safe_psql('postgres',
		"SELECT coalesce(max(reply_time), '-infinity') FROM pg_stat_replication");
	$node->poll_query_until('postgres',
		"SELECT max(reply_time) > '$reply' FROM pg_stat_replication")
	  or die "Timed out while waiting for a status update";
}
my $timeouts_after = () = file_text($r->{err}) =~ /due to timeout/g;
is($timeouts_after, $timeouts, 'timeout: an idle connection stays up');
$r->{h}->signal('TERM');
$r->{h}->finish;
is($?, 0, 'timeout: exit status 0 on SIGTERM');

# ---- SIGHUP ----
my $host = $node->host;
my $port = $node->port;
my $props = "$tmp/relay.properties";
sub write_props
{
	my ($prefix) = @_;
	write_file($props, "database.hostname=$host\ndatabase.port=$port\n"
		  . "database.dbname=postgres\ntopic.prefix=$prefix\n");
}
write_props('before');
$r = start_relay('-c', $props, @quiet);
walsender_pid();
$node->safe_psql('postgres', 'INSERT INTO t VALUES (4)');
ok(wait_for_file($r->{out}, qr/"topic":"before\.public\.t".*"id":4/),
	'sighup: streaming with the first configuration');
write_props('after');
$r->{h}->signal('HUP');
ok(wait_for_file($r->{err}, qr/reloading the configuration(?s:.*)streaming from slot/),
	'sighup: the configuration is reloaded and the session restarted');
$node->safe_psql('postgres', 'INSERT INTO t VALUES (5)');
ok(wait_for_file($r->{out}, qr/"topic":"after\.public\.t".*"id":5/),
	'sighup: the new topic.prefix is in effect');
is(ids_in($r->{out}), '4,5', 'sighup: nothing sent twice across the reload');

write_file($props, "database.port=not-a-port\n");
$r->{h}->signal('HUP');
ok(wait_for_file($r->{err}, qr/configuration not reloaded; the current one stays in effect/),
	'sighup: an invalid file is reported');
like(file_text($r->{err}), qr/invalid value for configuration key "database.port"/,
	'sighup: ... naming the key');
$node->safe_psql('postgres', 'INSERT INTO t VALUES (6)');
ok(wait_for_file($r->{out}, qr/"topic":"after\.public\.t".*"id":6/),
	'sighup: the relay streams on with the current configuration');
$r->{h}->signal('TERM');
$r->{h}->finish;
is($?, 0, 'sighup: exit status 0 on SIGTERM');
$node->stop;

# ---- hints under translated server messages ----
my $de = WalcastTest::new_node('relay_ops_de',
	"lc_messages = 'C.UTF-8'\nmax_replication_slots = 1\n");
# the server under test has German messages only if its build has them
# (a server built without --enable-nls has no locale directory)
my $translated =
  -e $de->config_data('--localedir') . '/de/LC_MESSAGES/postgres-15.mo';
my $knows = WalcastTest::knows_allow_list($de);
$de->append_conf('postgresql.conf', "output_plugin_libraries = 'pgoutput, test_decoding'\n")
  if $knows;
{
	# glibc's gettext honours LANGUAGE under any locale but plain "C"
	local $ENV{LANGUAGE} = 'de';
	$de->start;
}
my $de_conn = $de->connstr('postgres');
my $de_hba = $de->data_dir . '/pg_hba.conf';
my $hba_text = slurp_file($de_hba);
write_file($de_hba, "local all pwuser scram-sha-256\n$hba_text");
$de->safe_psql('postgres', q{
	CREATE ROLE pwuser LOGIN REPLICATION PASSWORD 'right-password';
	CREATE ROLE norepl LOGIN;
});
$de->reload;

sub relay_err
{
	my ($out, $err) = ('', '');
	IPC::Run::run([ $relay, @_ ], '<', \undef, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return $err;
}

$err = relay_err('-d', "$de_conn user=pwuser password=wrong");
like($err, qr/Passwort/, 'translated: the server message is in German')
  if $translated;
like($err, qr/hint: Check the user name and password/,
	'translated: hint for a failed password (28P01)');
like($err, qr/28P01/, 'translated: the message carries the SQLSTATE');
unlike($err, qr/LOCATION:/, 'translated: ... but not the source location');
$err = relay_err('-d', "$de_conn user=norepl");
like($err, qr/hint: The user needs the REPLICATION attribute/,
	'translated: hint for a user without REPLICATION (42501)');
$de->safe_psql('postgres',
	"SELECT pg_create_logical_replication_slot('filler', 'test_decoding')");
$err = relay_err('-d', $de_conn);
like($err, qr/could not create replication slot "walcast"/, 'translated: slots exhausted');
like($err, qr/hint: Raise max_replication_slots/,
	'translated: hint for slots exhausted (53400)');
SKIP:
{
	skip 'server has no output_plugin_libraries', 1 unless $knows;
	$de->safe_psql('postgres', "SELECT pg_drop_replication_slot('filler')");
	$err = relay_err('-d', $de_conn);
	like($err, qr/hint: Add walcast to output_plugin_libraries/,
		'translated: hint for a plugin not allowed (42501)');
}
$de->stop;

done_testing();
