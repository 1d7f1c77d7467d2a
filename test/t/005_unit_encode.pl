
# Copyright (c) walcast contributors

# Runs the C unit tests of libwalcast/encode.c (test/unit/encode_test, built by
# "make -C test/unit") and reports each of its TAP results as a test here:
# Java Float/Double.toString text, Base64 and hex, Kafka Connect Decimal
# bytes and java.util.HashMap iteration order.  A missing binary or a
# nonzero exit status is a failure, not a skip.

use strict;
use warnings FATAL => 'all';

use FindBin;
use Test::More;

my $binary = "$FindBin::RealBin/../unit/encode_test";

if (!ok(-x $binary, 'encode_test is built (make -C test/unit)'))
{
	diag("$binary is missing; run \"make -C test/unit\" first");
	done_testing();
	exit;
}

open(my $fh, '-|', $binary) or die "could not run \"$binary\": $!";
my $planned;
my $seen = 0;
while (my $line = <$fh>)
{
	chomp $line;
	if ($line =~ /^(not )?ok (\d+) - (.*)$/)
	{
		$seen++;
		ok(!defined $1, "unit $2: $3");
	}
	elsif ($line =~ /^1\.\.(\d+)$/)
	{
		$planned = $1;
	}
	elsif ($line =~ /^#/)
	{
		diag($line);
	}
}
close($fh);
my $status = $?;

is($status, 0, 'encode_test exited with status 0');
ok(defined $planned && $planned == $seen,
	"encode_test ran its whole plan ($seen results)");

done_testing();
