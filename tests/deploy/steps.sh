#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/deploy/run.sh, chrooted into the throwaway root: the documents'
# commands, as written, with the two stand-ins described there.
#   steps.sh readme|guide DEBS TOP
set -u
flow=$1 debs=$2 top=$3
T=deploy/$flow
README=$top/README
GUIDE=$top/Documentation/admin-guide.md
DOC="/usr/bin/python3 $top/tests/deploy/doc.py"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fails=0
pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1${2:+ ($2)}"; fails=$((fails + 1)); }
LOG=/tmp/deploy.log
: >"$LOG"

# The kernels DKMS builds for here: those with headers.
KVERS=
for k in /lib/modules/*/; do
	[ -e "$k/build/Makefile" ] && KVERS="$KVERS $(basename "$k")"
done

# ---- the stand-ins (see run.sh)
modprobe() {
	local k out
	[ "$#" = 1 ] && [ "$1" = ivgmp ] || { command modprobe "$@"; return; }
	[ -n "$KVERS" ] || { echo "modprobe stand-in: no kernel with headers" >&2; return 1; }
	for k in $KVERS; do
		out=$(command modprobe --show-depends --set-version "$k" ivgmp 2>&1) || true
		echo "modprobe -S $k: $out" >>"$LOG"
		case $out in
		*"insmod /lib/modules/$k/"*ivgmp.ko*) ;;
		*) echo "modprobe ivgmp for $k: $out" >&2; return 1 ;;
		esac
	done
}
unit_get() { sed -n "s/^$2=//p" "/lib/systemd/system/$1.service"; }
systemctl() {
	local u cond user d line cmd
	[ "$#" = 3 ] && [ "$1" = enable ] && [ "$2" = --now ] ||
		{ echo "systemctl stand-in: only 'enable --now UNIT'" >&2; return 2; }
	u=${3%.service}
	[ -f "/lib/systemd/system/$u.service" ] || { echo "no unit $u" >&2; return 1; }
	for cond in $(unit_get "$u" ConditionPathExists); do
		[ -e "$cond" ] || { echo "$u: condition $cond fails" >&2; return 1; }
	done
	user=$(unit_get "$u" User)
	for d in $(unit_get "$u" StateDirectory); do
		mkdir -p "/var/lib/$d" && [ -z "$user" ] || chown "$user:" "/var/lib/$d"
	done
	for d in $(unit_get "$u" RuntimeDirectory); do
		mkdir -p "/run/$d" && [ -z "$user" ] || chown "$user:" "/run/$d"
	done
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		case ${line%% *} in
		*/modprobe) modprobe ${line#* } || return 1 ;;
		*) $line || return 1 ;;
		esac
	done < <(unit_get "$u" ExecStartPre)
	cmd=$(unit_get "$u" ExecStart)
	if [ -n "$user" ]; then
		runuser -u "$user" -- $cmd >>"/tmp/$u.log" 2>&1 &
	else
		$cmd >>"/tmp/$u.log" 2>&1 &
	fi
	echo "$!" >"/run/deploy-$u.pid"
}
export -f modprobe systemctl unit_get
export KVERS LOG

# run NAME FILE LEAD [DIR]: the code block after LEAD in FILE, as written,
# by bash -e in DIR; PASS if every line succeeded. The blocks share one
# environment, as they would in an administrator's shell (the guide's
# export before its ivgmp-vnocctl commands).
: >/tmp/env
run() {
	local name=$1 file=$2 lead=$3 dir=${4:-/root} block
	if ! block=$($DOC "$file" "$lead" 2>&1); then
		fail "$name" "$block"
		return 1
	fi
	printf '## %s\n%s\n' "$name" "$block" >>"$LOG"
	if (cd "$dir" && bash -e -x -c ". /tmp/env
$block
export -p >/tmp/env") >>"$LOG" 2>&1; then
		pass "$name"
	else
		fail "$name" "$(tail -c 400 "$LOG" | tr '\n' ' ')"
		return 1
	fi
}
# write NAME FILE LEAD PATH: the block after LEAD is the file PATH
write() {
	if $DOC "$2" "$3" >"$4" 2>>"$LOG"; then
		pass "$1"
	else
		fail "$1" "$(tail -1 "$LOG")"
		return 1
	fi
}
wait_for() {	# SECONDS CMD...
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		"${@:2}" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
finish() {
	[ -d /run/keep ] && cp /tmp/*.log /run/keep/
	if [ $fails -ne 0 ]; then
		echo "# $T: errors in the log of the commands run:"
		grep -n -i -e 'error' -e 'fail' -e '\*\*\*' -e 'warning' "$LOG" |
			head -20 | sed 's/^/#   /'
		echo "# $T: log of the commands run (end):"
		tail -40 "$LOG" | sed 's/^/#   /'
		for f in /tmp/*.log; do
			[ "$f" = "$LOG" ] || { echo "# $f:"; tail -15 "$f" | sed 's/^/#   /'; }
		done
	fi
	exit $((fails != 0))
}

# ---- a fresh machine: no IVGMP, whatever the host has installed
# shellcheck disable=SC2046 # the list is package names
dpkg --purge $(dpkg-query -W -f='${Package} ${Status}\n' ivgmp-dkms ivgmp-agent \
	ivgmp-vnoc ivgmptool 2>/dev/null | awk '/installed$/ {print $1}') \
	>>"$LOG" 2>&1
rm -rf /etc/ivgmp /usr/local/sbin/ivgmp* /usr/local/bin/ivgmp*
if ! command -v ivgmp-agent >/dev/null && [ -z "$(dkms status ivgmp 2>/dev/null)" ]; then
	pass "a root without IVGMP"
else
	fail "a root without IVGMP" "$(command -v ivgmp-agent) $(dkms status ivgmp 2>&1)"
fi

# ---- the PKI the guide assumes (its step 1 is prose): a CA, the VNOC's
# server certificate for 192.0.2.10, an admin's, the site paris's
pki() {	# CN DIR [SAN]
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$2/$1.key" -out /tmp/$1.csr -subj "/CN=$1" 2>/dev/null &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' \
		"${3:-DNS:$1}" >/tmp/$1.ext &&
	openssl x509 -req -in /tmp/$1.csr -CA /root/ca.crt -CAkey /root/ca.key \
		-CAcreateserial -out "$2/$1.crt" -days 2 -extfile /tmp/$1.ext 2>/dev/null
}
make_pki() {
	mkdir -p /etc/ivgmp /root &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout /root/ca.key -out /root/ca.crt -days 2 \
		-subj "/CN=VPN CA" 2>/dev/null &&
	cp /root/ca.crt /etc/ivgmp/ca.crt && cp /root/ca.crt /etc/ivgmp/sites-ca.crt &&
	pki vnoc /etc/ivgmp IP:192.0.2.10 && pki noc-admin /root && pki paris /etc/ivgmp
}

agent_status() { ivgmp-agent status 2>&1; }
status_has() { agent_status | grep -q -- "$1"; }

case $flow in
readme)
	write "the guide's agent.conf" "$GUIDE" 'Write `/etc/ivgmp/agent.conf`' \
		/tmp/agent.conf && make_pki && cp /tmp/agent.conf /etc/ivgmp/agent.conf
	# the README's commands, in the repository as the overlay shows it:
	# what make writes stays in the throwaway root
	run "README: make && make install; modprobe ivgmp; ivgmp-agent -f" \
		"$README" 'Deploying on an edge router' "$top"
	if [ "$(command -v ivgmp-agent)" = /usr/local/sbin/ivgmp-agent ] &&
	   [ -f /usr/local/share/man/man8/ivgmp-agent.8 ]; then
		pass "make install: /usr/local/sbin/ivgmp-agent and its page"
	else
		fail "make install: /usr/local/sbin/ivgmp-agent and its page" \
			"$(command -v ivgmp-agent)"
	fi
	if wait_for 10 status_has '^ivgmp-agent: site'; then
		pass "the agent runs detached and answers status"
	else
		fail "the agent runs detached and answers status" "$(agent_status | head -3)"
	fi
	pid=$(cat /run/ivgmp-agent.pid 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		pass "its pid file names it"
	else
		fail "its pid file names it" "pid '$pid'"
	fi
	;;
guide)
	# section 2: the VNOC
	run "guide 2.1: dpkg -i ivgmp-vnoc" "$GUIDE" 'Install the package.' "$debs"
	if getent passwd ivgmp-vnoc >/dev/null && [ -d /var/lib/ivgmp-vnoc ]; then
		pass "the package made the user ivgmp-vnoc and /var/lib/ivgmp-vnoc"
	else
		fail "the package made the user ivgmp-vnoc and /var/lib/ivgmp-vnoc"
	fi
	if make_pki; then pass "a PKI (guide 2.2's prose)"; else fail "a PKI"; fi
	run "guide 2.2: the VNOC's key for its user" "$GUIDE" 'let its user read the'
	write "guide 2.3: /etc/ivgmp/vnoc.conf" "$GUIDE" \
		'Write `/etc/ivgmp/vnoc.conf`' /etc/ivgmp/vnoc.conf
	run "guide 2.4: check as ivgmp-vnoc, start the unit" "$GUIDE" 'Check it (as the VNOC'
	if wait_for 30 bash -c ': </dev/tcp/192.0.2.10/8443'; then
		pass "the VNOC listens on 192.0.2.10:8443"
	else
		fail "the VNOC listens on 192.0.2.10:8443" "$(tail -3 /tmp/ivgmp-vnoc.log)"
	fi
	vpid=$(cat /run/deploy-ivgmp-vnoc.pid 2>/dev/null)
	if [ -n "$vpid" ] && [ "$(ps -o user= -p "$(pgrep -x ivgmp-vnoc | head -1)")" = ivgmp-vnoc ]; then
		pass "the VNOC runs as ivgmp-vnoc"
	else
		fail "the VNOC runs as ivgmp-vnoc" "$(ps -eo user,comm | grep vnoc)"
	fi
	run "guide 2.5: register the sites and the policy" "$GUIDE" 'Register the sites'
	run "guide 2.6: the audit log" "$GUIDE" 'Billing:'

	# section 4: the edge router
	run "guide 4.1: dpkg -i ivgmp-dkms ivgmp-agent ivgmptool" "$GUIDE" \
		'Install the packages. DKMS' "$debs"
	for k in $KVERS; do
		if dkms status -m ivgmp -k "$k" | grep -q installed; then
			pass "DKMS installed ivgmp.ko for $k"
		else
			fail "DKMS installed ivgmp.ko for $k" "$(dkms status ivgmp 2>&1)"
		fi
	done
	run "guide 4.2: modprobe ivgmp (resolved for$KVERS)" "$GUIDE" 'Load the module'
	write "guide 4.3: /etc/ivgmp/agent.conf" "$GUIDE" \
		'Write `/etc/ivgmp/agent.conf`' /etc/ivgmp/agent.conf
	run "guide 4.4: check, start the unit" "$GUIDE" 'Check it and start it'
	if wait_for 40 status_has '^ivgmp-agent: site 1,'; then
		pass "the agent learns its site (paris = 1) from the VNOC"
	else
		fail "the agent learns its site (paris = 1) from the VNOC" "$(agent_status | head -3)"
	fi
	if wait_for 20 status_has '^vnoc: https://192.0.2.10:8443/ up'; then
		pass "the agent's VNOC connection is up"
	else
		fail "the agent's VNOC connection is up" "$(agent_status | grep vnoc)"
	fi

	# section 5: the operating commands; ivgmptool needs the module, which
	# this host's kernel does not have: it must say so and exit 1
	block=$($DOC "$GUIDE" '## 5. Operating and debugging')
	while IFS= read -r line; do
		cmd=${line%%#*}
		read -ra argv <<<"$cmd"
		[ ${#argv[@]} -gt 0 ] || continue
		out=$(timeout 10 "${argv[@]}" 2>&1)
		rc=$?
		case ${argv[0]} in
		ivgmp-agent)
			if [ $rc = 0 ] && grep -q '^ivgmp-agent: site 1' <<<"$out"; then
				pass "guide 5: $cmd"
			else
				fail "guide 5: $cmd" "exit $rc: $(head -c 200 <<<"$out")"
			fi ;;
		ivgmptool)
			if [ $rc = 1 ] && grep -qi 'ivgmp' <<<"$out" &&
			   grep -qi 'module\|family' <<<"$out"; then
				pass "guide 5: $cmd (no module in this kernel: says so, exit 1)"
			else
				fail "guide 5: $cmd" "exit $rc: $(head -c 200 <<<"$out")"
			fi ;;
		*)
			fail "guide 5: $cmd" "not a command this test knows how to check" ;;
		esac
	done <<<"$block"
	;;
esac
finish
