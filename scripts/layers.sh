#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# layers.sh - the C glue is a one-way stack: fail when a glue file reaches
# a layer it may not.
#
#   scripts/layers.sh [DIR]     DIR: the glue (default: net/tcpinc of this tree)
#
# Every net/tcpinc/tcpinc_*.c belongs to one group (LAYER_GROUPS below). A file
# depends on another group when it includes that group's header
# ("tcpinc_<file>.h") or names a function or variable that a file of that
# group defines without "static". Each such edge must be listed in LAYER_EDGES;
# the edges within a group are always allowed. Comments and strings are
# ignored. tcpinc.h (the shared context), the core's include/tcpinc/ and
# crypto-glue/ headers are below every group. Prints "layers: ok ..." or
# one "layers: FAIL" line per disallowed edge (with the file, the group
# and the name that makes it), and exits 1 on any.
#
# The picture and the reasons: Documentation/design.md, "Layers".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/net/tcpinc}

# group: files (stems; a trailing * matches a prefix). Top to bottom.
LAYER_GROUPS='
main:   tcpinc_main
genl:   tcpinc_genl
ulp:    tcpinc_ulp tcpinc_sockopt tcpinc_proto
pernet: tcpinc_pernet
eno:    tcpinc_eno tcpinc_eno_sock tcpinc_eno_output tcpinc_eno_input tcpinc_eno_pending tcpinc_eno_skb
crypt:  tcpinc_crypt tcpinc_crypt_*
resume: tcpinc_resume*
cache:  tcpinc_cache
eph:    tcpinc_eph
notify: tcpinc_notify
socks:  tcpinc_socks
vmgen:  tcpinc_vmgen
abort:  tcpinc_abort
ids:    tcpinc_ids
'

# from: the groups it may depend on. Nothing lower names anything higher,
# and peers of one level only where listed (cache, eph, notify and the
# session registry read the VM generation; the registry aborts through
# abort). A group missing here may depend on nothing.
LAYER_EDGES='
main:   genl ulp pernet eno crypt resume cache eph notify socks vmgen abort ids
genl:   pernet cache notify socks
ulp:    eno crypt resume cache eph notify socks vmgen abort ids
pernet: eno crypt resume cache eph notify socks vmgen abort ids
eno:    cache eph notify socks vmgen abort ids
crypt:  cache eph notify socks vmgen abort ids
resume: cache eph notify socks vmgen abort ids
cache:  vmgen
eph:    vmgen
notify: vmgen
socks:  vmgen abort
'

# Symbols of the shared context: defined by one file but declared in
# tcpinc.h for all (tcpinc_ctx() and tcpinc_pernet() use them).
LAYER_SHARED='tcpinc_ulp_ops tcpinc_net_id'

LAYER_GROUPS="$LAYER_GROUPS" LAYER_EDGES="$LAYER_EDGES" LAYER_SHARED="$LAYER_SHARED" exec perl -e '
use strict; use warnings;
my $dir = shift;
my (%grp_of_pat, @pats, %allow, %shared);
for (split /\n/, $ENV{LAYER_GROUPS}) {
	next unless /^(\w+):\s*(.*)$/;
	for my $p (split " ", $2) { push @pats, [$p, $1]; }
}
for (split /\n/, $ENV{LAYER_EDGES}) {
	next unless /^(\w+):\s*(.*)$/;
	$allow{$1}{$_} = 1 for split " ", $2;
}
$shared{$_} = 1 for split " ", $ENV{LAYER_SHARED};
sub group_of {
	my $stem = shift;
	for (@pats) {
		my ($p, $g) = @$_;
		if ($p =~ s/\*$//) { return $g if index($stem, $p) == 0; }
		elsif ($stem eq $p) { return $g; }
	}
	return undef;
}
sub strip {
	my $s = shift;
	$s =~ s{/\*.*?\*/}{ }gs;
	$s =~ s{//[^\n]*}{}g;
	$s =~ s{"(?:\\.|[^"\\\n])*"}{""}g unless $s =~ /^#include/;
	return $s;
}
opendir(my $dh, $dir) or die "layers: cannot read $dir\n";
my @files = sort grep { /^tcpinc_\w+\.c$/ } readdir $dh;
closedir $dh;
die "layers: no tcpinc_*.c in $dir\n" unless @files;
my (%src, %inc, %def, @bad);
for my $f (@files) {
	open my $fh, "<", "$dir/$f" or die; local $/; my $raw = <$fh>; close $fh;
	$inc{$f} = [ $raw =~ /^#include\s+"([^"]+)"/mg ];
	(my $s = $raw) =~ s/^#include[^\n]*//mg;
	$s = strip($s);
	$src{$f} = $s;
	(my $stem = $f) =~ s/\.c$//;
	push @bad, "layers: FAIL $f: in no group (add it to LAYER_GROUPS in scripts/layers.sh)"
		unless defined group_of($stem);
	# Non-static definitions at file scope: functions and variables.
	for my $l (split /\n/, $s) {
		next if $l =~ /^(\s|static\b|#|EXPORT|MODULE|module_)/;
		$def{$1} //= $f if $l =~ /\b(tcpinc_\w+)\s*(\(|=|;|\[|__read_mostly|$)/;
	}
}
my ($nedges, %seen) = (0);
sub edge {
	my ($f, $tf, $what) = @_;
	(my $a = $f) =~ s/\.c$//; (my $b = $tf) =~ s/\.[ch]$//;
	my ($ga, $gb) = (group_of($a), group_of($b));
	return unless defined $ga;
	if (!defined $gb) {
		push @bad, "layers: FAIL $f -> $tf: $what ($tf is in no group)";
		return;
	}
	return if $ga eq $gb;
	$nedges++ unless $seen{"$ga>$gb"}++;
	push @bad, "layers: FAIL $f ($ga) -> $gb ($tf): $what"
		unless $allow{$ga}{$gb};
}
for my $f (@files) {
	for my $h (@{ $inc{$f} }) {
		next if $h eq "tcpinc.h" || $h =~ m{^tcpinc/} || $h =~ m{crypto-glue/};
		if ($h =~ m{^(tcpinc_\w+)\.h$}) {
			edge($f, $h, "includes \"$h\"");
		} else {
			push @bad, "layers: FAIL $f: includes \"$h\", which the table does not know";
		}
	}
	my %once;
	while ($src{$f} =~ /\b(tcpinc_\w+)\b/g) {
		my $n = $1;
		next unless exists $def{$n} && $def{$n} ne $f && !$shared{$n} && !$once{$n}++;
		edge($f, $def{$n}, "uses $n");
	}
}
if (@bad) {
	print "$_\n" for @bad;
	printf "layers: %d disallowed edge(s) in %s\n", scalar(@bad), $dir;
	exit 1;
}
printf "layers: ok (%d files, %d group edges, all allowed)\n", scalar(@files), $nedges;
' "$dir"
