# Copyright (c) walcast contributors
#
# The plugin's symbol table: a backend loads output plugins with
# RTLD_GLOBAL, so walcast.so exports only its entry points
# (_PG_output_plugin_init and PG_MODULE_MAGIC's Pg_magic_func); every other
# name is hidden and cannot bind to, or shadow, another library's.  And no
# header of ours sits in a folder named like one of PostgreSQL's include
# folders, where an include could resolve to the wrong file.
use strict;
use warnings FATAL => 'all';

use FindBin;
use Test::More;

my $top = "$FindBin::RealBin/../..";
my $so = "$top/walcast.so";
ok(-f $so, 'walcast.so is built') or BAIL_OUT('build the plugin first');

my @exported = sort grep { length }
  map { (split ' ')[2] // '' } split /\n/, `nm -D --defined-only '$so'`;
is($?, 0, 'nm reads walcast.so');
is_deeply(\@exported, [ 'Pg_magic_func', '_PG_output_plugin_init' ],
	'walcast.so exports only its entry points');

my $includedir = `pg_config --includedir-server`;
chomp $includedir;
my @ours = map { glob("$top/$_/*.h") } qw(decoder libwalcast relay);
my @shadowing;
for my $h (@ours)
{
	my ($dir, $file) = $h =~ m{([^/]+)/([^/]+)$};
	push @shadowing, "$dir/$file" if -d "$includedir/$dir";
}
is_deeply(\@shadowing, [], 'no header of ours is in a folder named like a PostgreSQL include folder');

done_testing();
