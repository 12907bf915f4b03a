#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Plots of a `make bench` results directory, with gnuplot (gnuplot-nox):
#
#   tools/testing/bench-plot.sh RESULTS
#
#   RESULTS/plots/pps-vs-n-<size>.svg   egress pps against N, one line per
#                                       variant (ivgmp-vs-vxlan/best.dat)
#   RESULTS/plots/join-latency-cdf.svg  CDF of the join latencies
#                                       (agent-join/join-latency-ms.txt)
#   RESULTS/plots/esp-goodput.svg       goodput with ESP per variant
#                                       (esp-goodput/goodput.dat)
#
# A plot whose data is missing is skipped with a line saying so.
set -uo pipefail
R=${1:?usage: bench-plot.sh RESULTS}
P=$R/plots
mkdir -p "$P"
rc=0
term='set terminal svg size 720,440 dynamic font "sans,12" background "#ffffff"'

plot_pps() {
	local dat=$R/ivgmp-vs-vxlan/best.dat size
	if [ ! -s "$dat" ]; then
		echo "plot: no $dat: no pps plot"
		return 0
	fi
	for size in $(awk '{print $1}' "$dat" | sort -un); do
		gnuplot <<GP || rc=1
$term
set output "$P/pps-vs-n-$size.svg"
set title "Egress copies/s against N remote sites, $size-byte frames (best of runs, TCG guest)"
set xlabel "N (remote sites)"
set ylabel "egress packets/s"
set logscale x 2
set key top left
set grid
set yrange [0:*]
plot for [v in "ivgmp vxlan gre paper"] \
	"< awk -v s=$size -v v=".v." '\$1 == s && \$3 == v { print \$2, \$4 }' $dat | sort -n" \
	using 1:2 with linespoints title v
GP
		echo "plot: $P/pps-vs-n-$size.svg"
	done
}

plot_latency() {
	local dat=$R/agent-join/join-latency-ms.txt n
	if [ ! -s "$dat" ]; then
		echo "plot: no $dat: no join latency CDF"
		return 0
	fi
	n=$(wc -l <"$dat")
	gnuplot <<GP || rc=1
$term
set output "$P/join-latency-cdf.svg"
set title "Join latency: IGMP report to first packet at the receiver ($n joins, ESP)"
set xlabel "milliseconds"
set ylabel "fraction of joins"
set yrange [0:1]
set grid
set key bottom right
plot "< sort -n $dat | awk '{ print \$1, NR / $n }'" using 1:2 with steps title "CDF"
GP
	echo "plot: $P/join-latency-cdf.svg"
}

plot_goodput() {
	local dat=$R/esp-goodput/goodput.dat
	if [ ! -s "$dat" ]; then
		echo "plot: no $dat: no ESP goodput plot"
		return 0
	fi
	gnuplot <<GP || rc=1
$term
set output "$P/esp-goodput.svg"
set title "Goodput with ESP (AES-GCM), per variant"
set ylabel "inner Mbit/s"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set grid ytics
plot "$dat" using 0:2:xticlabels(1) with boxes notitle
GP
	echo "plot: $P/esp-goodput.svg"
}

plot_pps
plot_latency
plot_goodput
exit "$rc"
