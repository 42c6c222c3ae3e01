/* fuzz_xsd_msg.c: fuzz target for the test xenstore server's message handling:
 * any byte stream from a client leaves a sound tree and well-framed replies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../xenstored/xsd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void send_msg(struct xsd_conn *c, uint32_t type, const char *body,
		     size_t len)
{
	struct xsd_sockmsg h = { type, 1, 0, (uint32_t)len };

	xsd_conn_feed(c, &h, sizeof(h));
	xsd_conn_feed(c, body, len);
}

/* Whatever the input, the server only ever sends messages libxenstore can
 * frame: a known type and a payload within the limit. */
static void check_and_drain(struct xsd_conn *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		struct xsd_sockmsg h;

		if (c->out.len - off < sizeof(h))
			abort();
		memcpy(&h, c->out.data + off, sizeof(h));
		if (h.type >= XS_TYPE_COUNT || h.len > XENSTORE_PAYLOAD_MAX ||
		    c->out.len - off - sizeof(h) < h.len)
			abort();
		off += sizeof(h) + h.len;
	}
	xsd_conn_consume(c, c->out.len);
}

static void drain_all(struct xsd_server *s)
{
	for (struct xsd_conn *c = s->conns; c; c = c->next)
		check_and_drain(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsd_server *s = xsd_server_new();
	struct xsd_conn *client, *dom0, *guest;
	size_t half = size / 2;

	if (!s)
		return 0;
	client = xsd_conn_new(s, -1);
	dom0 = xsd_conn_new(s, -1);
	guest = xsd_conn_new(s, -1);
	if (!client || !dom0 || !guest)
		abort();
	/* Watchers, so every change also goes through event delivery. */
	send_msg(dom0, XS_WATCH, "/\0all", 6);
	send_msg(dom0, XS_WATCH, "@introduceDomain\0in", 20);
	send_msg(dom0, XS_WATCH, "@releaseDomain\0out", 19);
	send_msg(guest, XS_CONTROL, "domid\0" "5", 8);
	send_msg(guest, XS_WATCH, "/\0all", 6);
	send_msg(guest, XS_WATCH, "rel\0mine", 9);
	drain_all(s);
	/* Fed in two parts, to split messages at arbitrary points. */
	xsd_conn_feed(client, data, half);
	drain_all(s);
	if (!client->dead)
		xsd_conn_feed(client, data + half, size - half);
	drain_all(s);
	for (struct xsd_tx *tx = client->txs; tx; tx = tx->next)
		if (!xsd_tx_check(tx))
			abort();
	/* Every transaction left open is committed: the conflict check and
	 * the replay of its changes on the store run on whatever it did
	 * (with no error injected by the control command "fail"). */
	memset(s->fail, 0, sizeof(s->fail));
	for (int i = 0; i < XSD_MAX_TRANSACTIONS && !client->dead && client->txs;
	     i++) {
		struct xsd_sockmsg h = { XS_TRANSACTION_END, 1, client->txs->id, 2 };

		xsd_conn_feed(client, &h, sizeof(h));
		xsd_conn_feed(client, "T", 2);
	}
	drain_all(s);
	if (!xsd_tree_check(s->root))
		abort();
	xsd_server_free(s);
	return 0;
}
