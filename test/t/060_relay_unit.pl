# Copyright (c) walcast contributors

# Runs the relay's C unit tests (test/unit/relay_*.t, built by "make relay"):
# the framing parser (relay/route.c), the at-least-once tracker
# (relay/ack.c) and configuration parsing (relay/config.c).  Each program
# prints TAP; every one of its results becomes a result here.

use strict;
use warnings FATAL => 'all';

use FindBin;
use IPC::Run;
use Test::More;

my $unit_dir = "$FindBin::RealBin/../unit";
my @programs = map { "$unit_dir/relay_$_.t" } qw(route ack config);

for my $program (@programs)
{
	my $name = $program =~ s{.*/}{}r;
	if (!-x $program)
	{
		fail("$name is built");
		diag("build the unit tests with \"make relay\"");
		next;
	}
	my ($out, $err);
	my $ok = IPC::Run::run([$program], '>', \$out, '2>', \$err);
	my ($planned) = $out =~ /^1\.\.(\d+)$/m;
	my $seen = 0;
	for my $line (split /\n/, $out)
	{
		if ($line =~ /^(not )?ok \d+ - (.*)$/)
		{
			$seen++;
			ok(!defined $1, "$name: $2");
		}
		elsif ($line =~ /^#/)
		{
			diag($line);
		}
	}
	ok($ok, "$name exits with status 0");
	is($seen, $planned // -1, "$name ran its whole plan");
}

done_testing();
