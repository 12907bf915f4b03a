// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ivgmptool flush [routes|sites|all] */
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"

void usage_flush(void)
{
	fprintf(usage_out(),
		"  flush [routes|sites|all]   (sites implies routes; default all)\n");
}

int flush_parse(int argc, char **argv, uint32_t *what)
{
	if (argc > 1)
		return usage_error("flush takes one word, not '%s'", argv[1]);
	if (argc < 1 || !strcmp(argv[0], "all"))
		*what = 0;
	else if (!strcmp(argv[0], "routes"))
		*what = IVGMP_FLUSH_ROUTES;
	else if (!strcmp(argv[0], "sites"))
		*what = IVGMP_FLUSH_SITES | IVGMP_FLUSH_ROUTES;
	else
		return usage_error("flush what? 'routes', 'sites' or 'all', not '%s'",
				   argv[0]);
	return 0;
}

int cmd_flush(struct tool *t, int argc, char **argv)
{
	struct ivgmp_nl *nl;
	uint32_t what;
	int err, ret;

	if (flush_parse(argc - 1, argv + 1, &what)) {
		usage_flush();
		return EXIT_USAGE;
	}
	ret = open_nl(&nl);
	if (ret)
		return ret;
	err = ivgmp_nl_flush(nl, what);
	ret = err ? kernel_error(nl, err, "flush") : EXIT_OK;
	close_nl(nl);
	return ret;
}
