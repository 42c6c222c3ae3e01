/* stub_target.c: a stub domain's target node read into its guest's domid; the only parser
 * of that value (tests/fuzz/fuzz_stub_target.c drives it). */
#include "stub_target.h"

#include <errno.h>

#include "store.h"

int sv_stub_target_parse(const char *v, size_t len, int self, int *out,
			 struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	long d = 0;

	if (len == 0 || len > 5 || v[0] < '1' || v[0] > '9')
		return sv_fail(err, EINVAL, "\"%s\" is not a domid",
			       sv_quote(q, sizeof(q), v, len));
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return sv_fail(err, EINVAL, "\"%s\" is not a domid",
				       sv_quote(q, sizeof(q), v, len));
		d = d * 10 + (v[i] - '0');
	}
	if (d < SV_DOMID_MIN || d > SV_DOMID_MAX)
		return sv_fail(err, EINVAL, "%ld is not a guest's domid", d);
	if (d == self)
		return sv_fail(err, EINVAL, "names the stub domain itself");
	*out = (int)d;
	return 0;
}
