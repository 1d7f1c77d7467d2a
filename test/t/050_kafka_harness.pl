
# Copyright (c) walcast contributors

# Tests the Kafka test harness itself (test/perl/WalcastKafka.pm and
# test/kafka/kafka.sh): a real single-node KRaft broker starts, takes and
# serves records (keys, a null key, a tombstone), keeps them across a stop and
# a start on the same port, and stops.

use strict;
use warnings FATAL => 'all';

# test/perl, also when prove is run without -I test/perl.
use FindBin;
use lib "$FindBin::RealBin/../perl";

use IO::Socket::INET;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastKafka;

WalcastKafka::require_kafka();

my $kafka = WalcastKafka->new('harness');
$kafka->start_broker;
ok($kafka->is_running, 'broker started');
like($kafka->bootstrap, qr/^127\.0\.0\.1:\d+$/, 'bootstrap address is on loopback');
my $bootstrap = $kafka->bootstrap;

# Three records through kcat itself, one a line on stdin.
my ($out, $err);
IPC::Run::run(
	[ 'kcat', '-P', '-b', $bootstrap, '-t', 'harness.lines', '-K', ':' ],
	'<', \"k1:{\"n\":1}\nk2:{\"n\":2}\nk3:{\"n\":3}\n", '>', \$out, '2>', \$err)
  or die "kcat -P failed: $err";

my $records = $kafka->poll_topic_until('harness.lines', 3)
  or die "Timed out while waiting for 3 records in harness.lines";
is(scalar @$records, 3, 'three records consumed');
is_deeply(
	[ map { [ $_->{key}, $_->{value} ] } @$records ],
	[ [ 'k1', '{"n":1}' ], [ 'k2', '{"n":2}' ], [ 'k3', '{"n":3}' ] ],
	'keys and values come back in order');
is_deeply([ map { $_->{offset} } @$records ], [ 0, 1, 2 ], 'offsets 0 to 2');

# The module's own producer: a null key, a Unicode value and a tombstone.
$kafka->produce('harness.kinds',
	[ undef, "{\"text\":\"caf\x{e9} \x{2603}\"}" ],
	[ '{"id":7}', undef ]);
$records = $kafka->poll_topic_until('harness.kinds', 2, decode_json => 1)
  or die "Timed out while waiting for 2 records in harness.kinds";
is($records->[0]{key}, undef, 'null key reads as undef');
is($records->[0]{value}{text}, "caf\x{e9} \x{2603}", 'Unicode value survives');
is_deeply($records->[1]{key}, { id => 7 }, 'JSON key decoded');
is($records->[1]{value}, undef, 'tombstone reads as undef');

is_deeply($kafka->consume_topic('harness.absent'), [],
	'a topic that does not exist reads as empty');

# An outage: stop, check the port is closed, start again.
$kafka->stop_broker;
ok(!$kafka->is_running, 'broker stopped');
my ($port) = $bootstrap =~ /:(\d+)$/;
ok(!IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port),
	'nothing listens on the broker port while it is stopped');
ok(!IPC::Run::run([ 'kcat', '-b', $bootstrap, '-L', '-m', '1' ],
		'>', \$out, '2>', \$err),
	'kcat cannot reach the stopped broker');

$kafka->start_broker;
is($kafka->bootstrap, $bootstrap, 'broker restarted on the same address');
$records = $kafka->consume_topic('harness.lines');
is_deeply(
	[ map { [ $_->{key}, $_->{value} ] } @$records ],
	[ [ 'k1', '{"n":1}' ], [ 'k2', '{"n":2}' ], [ 'k3', '{"n":3}' ] ],
	'records survived the restart');

$kafka->produce('harness.lines', [ 'k4', '{"n":4}' ]);
$records = $kafka->poll_topic_until('harness.lines', 4)
  or die "Timed out while waiting for 4 records in harness.lines";
is($records->[3]{offset}, 3, 'the restarted broker appends after the old records');

my $dir = $kafka->dir;
$kafka->stop_broker;
ok(!-e "$dir/pid", 'pid file removed after stop');

done_testing();
