# Copyright (c) walcast contributors
#
# walcast-relay against real Debezium, whole records: plays every vendored
# golden case (test/golden/cases) through the relay built in this tree into a
# real Kafka broker with the golden corpus's check-relay
# (../shared/debezium-golden/check-relay beside the repository, or
# $WALCAST_CHECK_RELAY), which reads the topics back and compares topic, key,
# value, tombstones and headers of every record with Debezium's, snapshots
# included.  One test per case.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::RealBin/../perl";

use Cwd qw(abs_path);
use File::Basename qw(basename);
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastKafka;
use WalcastTest;

WalcastKafka::require_kafka();

my $top = abs_path("$FindBin::RealBin/../..");
my $relay = "$top/relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");
my $check = $ENV{WALCAST_CHECK_RELAY}
  // "$top/../shared/debezium-golden/check-relay";
if (!-x $check)
{
	fail("check-relay is there: no $check (the golden corpus beside the "
		  . 'repository, or set WALCAST_CHECK_RELAY)');
	done_testing();
	exit 1;
}

# WALCAST_GOLDEN_CASES=NAME,NAME plays only these (to look at one case).
my @cases = grep { -f "$_/debezium.jsonl" } sort glob("$top/test/golden/cases/*");
if ($ENV{WALCAST_GOLDEN_CASES})
{
	my %only = map { $_ => 1 } split /,/, $ENV{WALCAST_GOLDEN_CASES};
	@cases = grep { $only{ basename($_) } } @cases;
}
else
{
	ok(@cases >= 49, 'the golden cases are there');
}

my $node = WalcastTest::new_node('golden_relay', "timezone = 'UTC'\n");
$node->start;

local $ENV{PGHOST} = $node->host;
local $ENV{PGPORT} = $node->port;
local $ENV{PGCLIENTENCODING} = 'UTF8';
local $ENV{TMPDIR} = $PostgreSQL::Test::Utils::tmp_check;

# check-relay waits for the slot's confirmed position to pass the end of
# each case: a status update every second instead of every ten keeps the
# wait short.
my $wrapper = "$PostgreSQL::Test::Utils::tmp_check/walcast-relay";
open my $fh, '>', $wrapper or die "could not write $wrapper: $!";
print $fh "#!/bin/sh\nexec '$relay' --status-interval=1 \"\$@\"\n";
close $fh;
chmod 0755, $wrapper;

# check-relay reads every topic of the broker before and after each case, so
# a case costs more the more topics there are: a fresh broker for each group
# of cases keeps that bounded.
my $group_size = 10;
my (%verdict, $all_ok, $log);
$all_ok = 1;
$log = '';
for (my $g = 0; $g < @cases; $g += $group_size)
{
	my @group = @cases[ $g .. ($g + $group_size > @cases ? $#cases : $g + $group_size - 1) ];
	my $kafka = WalcastKafka->new("golden$g");
	$kafka->start_broker;
	my ($stdout, $stderr);
	my $ok = IPC::Run::run(
		[
			'python3', $check, '--verbose', '--broker', $kafka->bootstrap,
			'--relay', $wrapper, @group
		],
		'<', \undef, '>', \$stdout, '2>', \$stderr);
	$kafka->stop_broker;
	note($stdout);
	$log .= $stdout . $stderr;
	$all_ok &&= $ok;

	# One line per case ("NAME  equal ..." or "NAME  DIFFER ..." followed by
	# the differences, indented), then the total.
	my $current;
	for my $line (split /\n/, $stdout)
	{
		if ($line =~ /^(\S+)\s+(equal|DIFFER|free|skipped)\b/)
		{
			$current = $1;
			$verdict{$current} = { word => $2, text => $line };
		}
		elsif (defined $current && $line =~ /^\s/)
		{
			$verdict{$current}{text} .= "\n$line";
		}
	}
}
for my $case (@cases)
{
	my $name = basename($case);
	my $v = $verdict{$name};
	ok(defined $v && $v->{word} ne 'DIFFER' && $v->{word} ne 'skipped',
		"$name: the relay's records equal Debezium's")
	  or diag(defined $v ? $v->{text} : "no verdict from check-relay");
}
ok($all_ok, 'check-relay finds every case equal') or diag($log);

$node->stop;
done_testing();
