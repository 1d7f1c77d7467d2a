
# Copyright (c) walcast contributors

=pod

=head1 NAME

WalcastKafka - a real single-node Apache Kafka broker for walcast's TAP tests

=head1 SYNOPSIS

  use PostgreSQL::Test::Utils;
  use Test::More;
  use WalcastKafka;

  WalcastKafka::require_kafka();    # fail (or skip, see below) without one

  my $kafka = WalcastKafka->new('main');
  $kafka->start_broker;
  my $bootstrap = $kafka->bootstrap;    # "127.0.0.1:<port>"
  $kafka->produce('t', [ 'key1', '{"a":1}' ], [ 'key2', undef ]);
  my $records = $kafka->consume_topic('t');
  is($records->[0]{value}, '{"a":1}', 'first value');
  $kafka->poll_topic_until('t', 2) or die "Timed out while waiting for 2 records";
  $kafka->stop_broker;     # an outage: same port and data when started again
  $kafka->start_broker;

=head1 DESCRIPTION

Runs test/kafka/kafka.sh, which starts a KRaft broker from the Maven Central
jars in test/kafka/lib-<version>/ (fetch them first, as root in CI, with
C<test/kafka/kafka.sh fetch>).  Consumes with kcat.

A broker started here is stopped on every exit path: when its object is
destroyed, in this module's END block (also after die and a failed
C<BAIL_OUT>), on SIGINT, SIGTERM and SIGHUP (turned into die unless the test
installed its own handler), and by kafka.sh's watchdog if the test process is
killed with SIGKILL.

Each broker lives in a PostgreSQL::Test::Utils::tempdir, which is kept when a
test fails; its F<broker.log> (WARN and above) is there.

If Java, kcat or the jars are missing, C<require_kafka> fails the test, unless
the environment sets C<WALCAST_KAFKA_SKIP=1>, in which case it skips the file.

=cut

package WalcastKafka;

use strict;
use warnings FATAL => 'all';

use Carp;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Utils;
use Scalar::Util qw(weaken);
use Test::More;
use Time::HiRes qw(usleep);

# Standalone runs ("prove -I test/perl -I .../pgxs/src/test/perl test/t/...",
# without make): give PostgreSQL::Test::Utils, whose INIT block runs after this
# point, what PGXS's prove_installcheck would.  TESTDIR: where tmp_check/ goes
# (the current directory, or /tmp when that is not writable, e.g. a root-owned
# checkout tested as postgres).  PG_REGRESS: PostgreSQL::Test::Cluster's init
# runs "pg_regress --config-auth".  PATH: initdb and pg_ctl of this server.
BEGIN
{
	if (!defined $ENV{TESTDIR} && !-w '.')
	{
		$ENV{TESTDIR} = "/tmp/walcast_tap_$<";
		mkdir $ENV{TESTDIR};
	}
	my $pgxs = `pg_config --pgxs 2>/dev/null`;
	chomp $pgxs;
	my $pg_regress = dirname($pgxs) . '/../test/regress/pg_regress';
	$ENV{PG_REGRESS} //= $pg_regress if $pgxs ne '' && -x $pg_regress;
	my $bindir = `pg_config --bindir 2>/dev/null`;
	chomp $bindir;
	$ENV{PATH} = "$bindir:$ENV{PATH}"
	  if $bindir ne '' && index(":$ENV{PATH}:", ":$bindir:") < 0;
}

our $kafka_dir = abs_path(dirname(__FILE__) . '/../kafka');
our $kafka_sh = "$kafka_dir/kafka.sh";
our $kafka_version = $ENV{KAFKA_VERSION} || '3.9.1';

# Live brokers, weak references, for the END block.
my @live;

=pod

=head1 FUNCTIONS

=over

=item WalcastKafka::missing_prerequisite()

Returns undef when a broker can be started, or a sentence saying what is
missing.

=cut

sub missing_prerequisite
{
	for my $prog ('kcat', 'java')
	{
		my $found = grep { -x "$_/$prog" } split /:/, ($ENV{PATH} // '');
		$found ||= $prog eq 'java' && $ENV{JAVA_HOME} && -x "$ENV{JAVA_HOME}/bin/java";
		return "$prog is not installed" unless $found;
	}
	my $libdir = $ENV{KAFKA_LIB_DIR} || "$kafka_dir/lib-$kafka_version";
	return "the Kafka $kafka_version jars are missing from $libdir "
	  . "(run \"test/kafka/kafka.sh fetch\" as root first)"
	  unless -r "$libdir/kafka_2.13-$kafka_version.jar";
	return undef;
}

=pod

=item WalcastKafka::require_kafka()

Call before the first test.  Without a usable broker, fails the test file (or
skips it when C<WALCAST_KAFKA_SKIP> is set).

=cut

sub require_kafka
{
	my $missing = missing_prerequisite();
	return unless defined $missing;
	plan skip_all => "no Kafka broker: $missing" if $ENV{WALCAST_KAFKA_SKIP};
	fail("Kafka broker available: $missing (set WALCAST_KAFKA_SKIP=1 to skip)");
	done_testing();
	exit 1;
}

=pod

=back

=head1 METHODS

=over

=item WalcastKafka->new($name, %params)

A broker named C<$name> in a new temporary directory; not started yet.
C<extra_config> is a hash of server.properties settings added to the defaults.

=cut

sub new
{
	my ($class, $name, %params) = @_;
	$name //= 'kafka';
	my $dir = PostgreSQL::Test::Utils::tempdir("kafka_$name");
	my $self = bless {
		name => $name,
		dir => $dir,
		owner => $$,
		running => 0,
	}, $class;

	if (my $extra = $params{extra_config})
	{
		open my $fh, '>', "$dir/extra.properties"
		  or die "could not write $dir/extra.properties: $!";
		print $fh "$_=$extra->{$_}\n" for sort keys %$extra;
		close $fh;
	}
	push @live, $self;
	weaken($live[-1]);
	return $self;
}

=pod

=item $kafka->start_broker()

Starts the broker and waits until it answers a metadata request.  The first
start formats its data directory and picks free loopback ports; later starts
(after C<stop_broker>) reuse both.  Dies on failure, with the tail of the
broker's log in the test log.

=cut

sub start_broker
{
	my ($self) = @_;
	croak "broker \"$self->{name}\" is already running" if $self->{running};
	_install_signal_handlers();

	local $ENV{KAFKA_OWNER_PID} = $$;
	my ($stdout, $stderr);
	my $ok = IPC::Run::run([ $kafka_sh, 'start', $self->{dir} ],
		'<', \undef, '>', \$stdout, '2>', \$stderr);
	print "# kafka.sh start $self->{dir}:\n$stdout$stderr";
	die "could not start Kafka broker \"$self->{name}\": $stderr" unless $ok;
	chomp $stdout;
	$self->{bootstrap} = $stdout;
	$self->{running} = 1;
	return $self;
}

=pod

=item $kafka->stop_broker()

Stops the broker (SIGTERM, SIGKILL after a bound).  Its port and data stay,
so C<start_broker> brings the same broker back.

=cut

sub stop_broker
{
	my ($self) = @_;
	return unless $self->{running};
	my ($stdout, $stderr);
	IPC::Run::run([ $kafka_sh, 'stop', $self->{dir} ],
		'<', \undef, '>', \$stdout, '2>', \$stderr)
	  or die "could not stop Kafka broker \"$self->{name}\": $stderr";
	$self->{running} = 0;
	return;
}

=pod

=item $kafka->bootstrap()

C<127.0.0.1:port>, for C<bootstrap.servers> and C<kcat -b>.  Stays the same
across stop and start.

=item $kafka->dir()

The broker's directory (broker.log, data/).

=item $kafka->is_running()

=cut

sub bootstrap
{
	my ($self) = @_;
	croak "broker \"$self->{name}\" was never started" unless $self->{bootstrap};
	return $self->{bootstrap};
}

sub dir { return $_[0]->{dir}; }

sub is_running { return $_[0]->{running}; }

=pod

=item $kafka->produce($topic, [$key, $value], ...)

Produces one record per pair with kcat.  Keys and values are strings of
characters, sent as UTF-8 (as consume_topic returns them).  An undef key gives a null key, an
undef value a tombstone.  Keys and values must not contain bytes 0x1e or 0x1f
(the delimiters), nor values be empty strings (kcat -Z sends those as null).

=cut

sub produce
{
	my ($self, $topic, @records) = @_;
	my $input = '';
	for my $r (@records)
	{
		my ($key, $value) = @$r;
		$input .= ($key // '') . "\x1f" . ($value // '') . "\x1e";
	}
	utf8::encode($input);
	my ($stdout, $stderr);
	IPC::Run::run(
		[
			'kcat', '-P', '-b', $self->bootstrap, '-t', $topic,
			'-K', '\x1f', '-D', '\x1e', '-Z',
			'-X', 'message.timeout.ms=30000'
		],
		'<', \$input, '>', \$stdout, '2>', \$stderr,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default))
	  or die "kcat could not produce to \"$topic\": $stderr";
	return;
}

=pod

=item $kafka->consume_topic($topic, %params)

Reads every record of C<$topic> from the beginning to the current end and
returns an array reference of hashes with C<topic>, C<partition>, C<offset>,
C<key> and C<value> (strings of characters; undef for a null key and for a
tombstone), C<ts> and C<headers> (an array of [name, value]).  With
C<decode_json =E<gt> 1>, key and value are parsed as JSON too.  A topic that
does not exist yet reads as empty.

=cut

sub consume_topic
{
	my ($self, $topic, %params) = @_;
	my ($stdout, $stderr);
	my $ok = IPC::Run::run(
		[
			'kcat', '-C', '-b', $self->bootstrap, '-t', $topic,
			'-o', 'beginning', '-e', '-J', '-q',
			'-X', 'topic.metadata.refresh.interval.ms=500'
		],
		'<', \undef, '>', \$stdout, '2>', \$stderr,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	if (!$ok)
	{
		# kcat -e ends with an error for a topic the broker does not know.
		return [] if $stderr =~ /Unknown topic|UNKNOWN_TOPIC/i;
		die "kcat could not consume \"$topic\": $stderr";
	}

	my $json = JSON::PP->new->utf8;
	my $inner = JSON::PP->new->allow_nonref;
	my @records;
	for my $line (split /\n/, $stdout)
	{
		next if $line eq '';
		my $r = $json->decode($line);
		my @h = @{ $r->{headers} // [] };
		my @headers;
		push @headers, [ splice(@h, 0, 2) ] while @h;
		my $rec = {
			topic => $r->{topic},
			partition => $r->{partition},
			offset => $r->{offset},
			ts => $r->{ts},
			key => $r->{key},
			value => $r->{payload},
			headers => \@headers,
		};
		if ($params{decode_json})
		{
			$rec->{$_} = defined $rec->{$_} ? $inner->decode($rec->{$_}) : undef
			  for qw(key value);
		}
		push @records, $rec;
	}
	@records =
	  sort { $a->{partition} <=> $b->{partition} || $a->{offset} <=> $b->{offset} }
	  @records;
	return \@records;
}

=pod

=item $kafka->poll_topic_until($topic, $count, %params)

Consumes C<$topic> until it holds at least C<$count> records or
C<$PostgreSQL::Test::Utils::timeout_default> seconds have passed.  Returns the
records (true) or undef on timeout, in the style of poll_query_until.

=cut

sub poll_topic_until
{
	my ($self, $topic, $count, %params) = @_;
	my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
	while (1)
	{
		my $records = $self->consume_topic($topic, %params);
		return $records if @$records >= $count;
		return undef if time() >= $deadline;
		usleep(100_000);
	}
}

=pod

=item $kafka->broker_log()

The text of the broker's log (WARN and above), for diagnostics.

=back

=cut

sub broker_log
{
	my ($self) = @_;
	open my $fh, '<', "$self->{dir}/broker.log" or return '';
	local $/;
	return scalar <$fh>;
}

sub DESTROY
{
	my ($self) = @_;
	local ($?, $@, $!);
	eval { $self->stop_broker if $self->{running} && $self->{owner} == $$; };
	return;
}

# A signal would end the test without running END blocks; make it a die.
sub _install_signal_handlers
{
	for my $sig (qw(INT TERM HUP))
	{
		next if defined $SIG{$sig} && $SIG{$sig} ne 'DEFAULT' && $SIG{$sig} ne '';
		$SIG{$sig} = sub { die "killed by SIG$sig\n"; };
	}
	return;
}

END
{
	# Keep the test's exit status: stopping a broker runs programs.
	local ($?, $@, $!);
	for my $kafka (grep { defined } @live)
	{
		next unless $kafka->{running} && $kafka->{owner} == $$;
		eval { $kafka->stop_broker; };
		system('kill', '-KILL', _pid_of($kafka)) if $@ && _pid_of($kafka);
	}
}

sub _pid_of
{
	my ($kafka) = @_;
	open my $fh, '<', "$kafka->{dir}/pid" or return undef;
	my $pid = <$fh>;
	chomp $pid if defined $pid;
	return $pid;
}

1;
