#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the deployment commands of the README and of the admin guide as
# written (tests/deploy/doc.py reads them out of the documents), on this
# host, each in a throwaway root: an overlay of the host's / with a tmpfs
# on top, in its own mount, network and pid namespaces, chrooted. Nothing
# reaches the host's files or network; the daemons die with the namespace.
#
#   readme  README "Deploying on an edge router": make && make install in
#           the repository, modprobe, ivgmp-agent -f (with the guide's
#           agent.conf);
#   guide   Documentation/admin-guide.md sections 2, 4 and 5: dpkg -i of
#           the packages (tools/testing/debs.sh) on a root they are purged
#           from first, the VNOC's and the agent's configuration, start,
#           site registration, the agent learning its site from the VNOC
#           over mutual TLS, the operating commands.
#
# Two commands cannot do here what they do on an edge router, and get
# stand-ins (tests/deploy/steps.sh): `systemctl enable --now UNIT` (no
# systemd in the chroot) runs the installed unit's ExecStartPre= and
# ExecStart= as its User=, with its Condition, State- and
# RuntimeDirectory=; `modprobe ivgmp` (this host runs another kernel than
# the Debian one DKMS builds for) resolves the module for each kernel DKMS
# targets with `modprobe --dry-run --set-version`, without loading it.
# ivgmptool's commands, which need the loaded module, must fail saying so.
# Needs root. Prints PASS:/FAIL: lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
T=deploy
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: $T: needs root (namespaces, overlay, chroot)"
	exit 0
fi
if ! debs=$(bash "$top/tools/testing/debs.sh"); then
	echo "FAIL: $T: build the packages (tools/testing/debs.sh)"
	exit 1
fi
W=$(mktemp -d /tmp/ivgmp-deploy-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
rc=0
for flow in ${IVGMP_DEPLOY_FLOWS:-readme guide}; do
	mkdir -p "$W/$flow"
	unshare --mount --net --pid --fork --kill-child \
		bash "$here/flow.sh" "$flow" "$W/$flow" "$debs" "$top" || rc=1
done
exit $rc
