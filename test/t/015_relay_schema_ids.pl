# Copyright (c) walcast contributors

# Schema ids of the relay format (doc/framing.md) stay bounded.  Every
# ANALYZE, VACUUM or ALTER TABLE ... SET invalidates the relation's cache
# entry; the rebuilt entry must keep its schema id and must not send its S
# record again while its schemas are unchanged.  A real schema change (ADD
# COLUMN) sends a new S record before the first event that uses it, and ids
# of dropped tables are reused, so the ids in use never outgrow the tables
# that have events.  The frames are decoded here, as the relay reads them.

use strict;
use warnings FATAL => 'all';

use FindBin;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use WalcastTest;

my $node = WalcastTest::new_node('schema_ids');
$node->start;

$node->safe_psql('postgres', q{
	CREATE TABLE t (id int PRIMARY KEY, v text);
	CREATE TABLE u (id int PRIMARY KEY);
	SELECT 'init' FROM pg_create_logical_replication_slot('s', 'walcast');
});

# Cut the binary messages of the slot into records: [kind, fields, parts].
sub records
{
	my @options = @_;
	my $opts = join('', map { ", '$_'" } 'output.format', 'relay', @options);
	my $hex = $node->safe_psql('postgres',
		"SELECT encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('s', NULL, NULL$opts)");
	my @records;
	for my $message (split /\n/, $hex)
	{
		my $data = pack('H*', $message);
		while (length $data)
		{
			my $nl = index($data, "\n");
			die "record without a header line" if $nl < 0;
			my ($kind, @fields) = split / /, substr($data, 0, $nl);
			$data = substr($data, $nl + 1);
			my @lens = $kind eq 'E' ? @fields[ 1 .. 5 ]
			  : $kind eq 'S' ? @fields[ 1 .. 2 ]
			  : $kind eq 'P' ? ($fields[0])
			  : ();
			my @parts;
			for my $len (@lens)
			{
				push @parts, $len < 0 ? undef : substr($data, 0, $len);
				$data = substr($data, $len) if $len > 0;
			}
			push @records, [ $kind, \@fields, \@parts ];
		}
	}
	return @records;
}

# The table a value schema belongs to: its name without prefix and suffix.
sub schema_table
{
	my ($value_schema) = @_;
	my $name = decode_json($value_schema)->{name};
	return $name =~ s/^postgres\.public\.(.*)\.Envelope$/$1/r;
}

# Check the records as the relay does: every E with a schema id uses the
# last S that defined it, and that S is the schema of the E's table.
# Returns the S records per table and the largest id.
sub check_stream
{
	my ($name, @records) = @_;
	my (%defined, %sent, $max_id, $bad);
	$max_id = 0;
	for my $r (@records)
	{
		my ($kind, $fields, $parts) = @$r;
		if ($kind eq 'S')
		{
			my $table = schema_table($parts->[1]);
			$defined{ $fields->[0] } = $parts->[1];
			push @{ $sent{$table} }, $fields->[0];
			$max_id = $fields->[0] if $fields->[0] > $max_id;
		}
		elsif ($kind eq 'E' && $fields->[0] > 0)
		{
			my $schema = $defined{ $fields->[0] };
			my $table = $parts->[0] =~ s/^postgres\.public\.//r;
			$bad //= "E of $table with undefined id $fields->[0]"
			  unless defined $schema;
			# (transaction records are not a table's)
			$bad //= "E of $table with the schema of " . schema_table($schema)
			  if defined $schema && $parts->[0] =~ /^postgres\.public\./
			  && schema_table($schema) ne $table;
		}
	}
	is($bad, undef, "$name: every event uses the schema of its table");
	return (\%sent, $max_id, \%defined);
}

# Many invalidations between the changes of t, none of them a schema change.
my @sql = ("INSERT INTO t VALUES (0, 'zero')", "INSERT INTO u VALUES (0)");
for my $i (1 .. 20)
{
	push @sql, 'ANALYZE t', 'VACUUM t', 'VACUUM (ANALYZE) u',
	  "ALTER TABLE t SET (fillfactor = " . (50 + $i) . ")",
	  'CREATE INDEX t_v ON t (v)', 'DROP INDEX t_v',
	  "INSERT INTO t VALUES ($i, 'v$i')", "INSERT INTO u VALUES ($i)";
}
push @sql, 'VACUUM FULL t', "INSERT INTO t VALUES (21, 'after vacuum full')";
$node->safe_psql('postgres', $_) for @sql;

my ($sent, $max_id) = check_stream('invalidations', records());
is(scalar @{ $sent->{t} }, 1, 'one S record for t through 100 invalidations');
is(scalar @{ $sent->{u} }, 1, 'one S record for u through 20 VACUUM ANALYZE');
is($max_id, 2, 'two tables, two schema ids');

my @events = grep { $_->[0] eq 'E' && $_->[2][0] eq 'postgres.public.t' } records();
is(scalar @events, 22, 'every insert into t decoded');
is_deeply([ sort { $a <=> $b } keys %{ { map { $_->[1][0] => 1 } @events } } ],
	[ $sent->{t}[0] ], 't kept its schema id');

# A schema change sends a new S record, before the event that uses it.
$node->safe_psql('postgres', 'ALTER TABLE t ADD COLUMN w int');
$node->safe_psql('postgres', 'ANALYZE t');
$node->safe_psql('postgres', "INSERT INTO t VALUES (100, 'new', 5)");
$node->safe_psql('postgres', 'VACUUM (ANALYZE) t');
$node->safe_psql('postgres', "INSERT INTO t VALUES (101, 'new', 6)");
my @records = records();
my $defined;
($sent, $max_id, $defined) = check_stream('after ADD COLUMN', @records);
is(scalar @{ $sent->{t} }, 2, 'ADD COLUMN sent a second S record for t, only one');
my ($last) = grep { $_->[0] eq 'E' } reverse @records;
my $fields = decode_json($defined->{ $last->[1][0] })->{fields}[1]{fields};
is_deeply([ map { $_->{field} } @$fields ], [ 'id', 'v', 'w' ],
	'the event after ADD COLUMN uses the schema with the new column');
is($max_id, 2, 'the new schema of t did not take a new id');

# Tables created and dropped: their ids go back to be reused.
for my $i (1 .. 30)
{
	$node->safe_psql('postgres', "CREATE TABLE c$i (id int PRIMARY KEY)");
	$node->safe_psql('postgres', "INSERT INTO c$i VALUES ($i)");
	$node->safe_psql('postgres', "DROP TABLE c$i");
}
$node->safe_psql('postgres', "INSERT INTO t VALUES (102, 'end', 7)");
$node->safe_psql('postgres', "INSERT INTO u VALUES (102)");
($sent, $max_id) = check_stream('after 30 dropped tables', records());
is(scalar(grep { /^c\d+$/ } keys %$sent), 30, 'each new table got its S record');
cmp_ok($max_id, '<=', 3, 'dropped tables gave their ids back');
is(scalar @{ $sent->{t} }, 2, 't sent no S record after the dropped tables');

# The same through transaction metadata, whose schemas have ids too.
($sent, $max_id) = check_stream('with transaction metadata',
	records('provide.transaction.metadata', 'true'));
cmp_ok($max_id, '<=', 5, 'transaction metadata adds its own ids');

# The relay reads the reused and redefined ids the same way: every record it
# writes carries the schema of its own table, as it was at that change.
my $relay = "$FindBin::RealBin/../../relay/walcast-relay";
-x $relay or BAIL_OUT("$relay is not built; run \"make relay\"");
my $endpos = $node->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
my ($out, $err) = ('', '');
IPC::Run::run(
	[ $relay, '-d', $node->connstr('postgres'), '-S', 's', '-E', $endpos, '--no-loop' ],
	'<', \undef, '>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
is($? >> 8, 0, 'the relay streamed the slot to its end') or diag($err);
my @lines = map { decode_json($_) } grep { $_ ne '' } split /\n/, $out;
my @wrong = grep { $_->{value}{schema}{name} ne "$_->{topic}.Envelope" } @lines;
is(scalar @lines, 25 + 22 + 30, 'the relay wrote every record');
is(scalar @wrong, 0, 'each record carries the schema of its table');
my @t_fields = map { join(',', map { $_->{field} } @{ $_->{value}{schema}{fields}[1]{fields} }) }
  grep { $_->{topic} eq 'postgres.public.t' } @lines;
is_deeply([ @t_fields[ 21 .. 24 ] ], [ 'id,v', 'id,v,w', 'id,v,w', 'id,v,w' ],
	'records of t carry the new column from ADD COLUMN on');

$node->stop;
done_testing();
