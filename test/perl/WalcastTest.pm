# Copyright (c) walcast contributors

=pod

=head1 NAME

WalcastTest - PostgreSQL nodes set up for walcast's TAP tests

=head1 SYNOPSIS

  use WalcastTest;

  my $node = WalcastTest::new_node('stream', "timezone = 'UTC'\n");
  $node->start;
  WalcastTest::knows_allow_list($node);    # does the server have output_plugin_libraries?
  my @opts = WalcastTest::golden_case_options("test/golden/cases/crud-basic");

=head1 DESCRIPTION

C<new_node> initializes a PostgreSQL::Test::Cluster with wal_level=logical and,
where the server knows the parameter (PostgreSQL 15.19 and later),
C<output_plugin_libraries> listing walcast: an older server refuses to start
with a parameter it does not know, so the setting is written only when
C<postgres --describe-config> lists it.

=cut

package WalcastTest;

use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;

# Does this node's server know output_plugin_libraries?
sub knows_allow_list
{
	my ($node) = @_;
	my $bindir = $node->config_data('--bindir');
	my $params = `$bindir/postgres --describe-config 2>/dev/null`;
	return $params =~ /^output_plugin_libraries\t/m;
}

# With WALCAST_LIBDIR set, make the node load walcast.so from there instead of
# the installed library (see the Makefile): a checkout is tested without
# "make install".
sub use_build_dir
{
	my ($node) = @_;
	$node->append_conf('postgresql.conf',
		"dynamic_library_path = '$ENV{WALCAST_LIBDIR}:\$libdir'\n")
	  if $ENV{WALCAST_LIBDIR};
	return;
}

# The options of a golden case (test/golden/cases/NAME): its
# connector.properties entries as a list name, value, name, value, ...
sub golden_case_options
{
	my ($case) = @_;
	my @opts;
	return () unless -f "$case/connector.properties";
	open my $fh, '<', "$case/connector.properties" or die $!;
	while (my $line = <$fh>)
	{
		next if $line =~ /^\s*(#|$)/;
		chomp $line;
		my ($k, $v) = split /=/, $line, 2;
		s/^\s+|\s+$//g for ($k, $v);
		push @opts, $k, $v;
	}
	close $fh;
	return @opts;
}

# A node ready for logical decoding with walcast, not started; $conf is
# appended to its postgresql.conf.
sub new_node
{
	my ($name, $conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);

	$node->init(allows_streaming => 'logical');
	$node->append_conf('postgresql.conf',
		"output_plugin_libraries = 'pgoutput, test_decoding, walcast'\n")
	  if knows_allow_list($node);
	use_build_dir($node);
	$node->append_conf('postgresql.conf', $conf) if defined $conf;
	return $node;
}

1;
