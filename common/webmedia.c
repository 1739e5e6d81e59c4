/*
 * webmedia.c: /media/ID, a message's photo or file fetched from the
 * Cloud API with the token, which stays on the server, for an agent who
 * may see a conversation holding that media, found by an index of the
 * threads the server read; any other id is a 404, told apart from no
 * media at all by nothing. Its type is the bytes',
 * and only a photo is shown inline: a file is an attachment.
 */
#include <stdlib.h>
#include <string.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

int
web_may_see(struct web_req *q, const struct wa_conv *c)
{
	const struct wa_agent *a = wa_agents_get(q->w->agents, q->agent);

	return c && a && wa_web_may_see(a, c);
}

int
web_owner(struct web_req *q)
{
	const struct wa_agent *a = wa_agents_get(q->w->agents, q->agent);

	return a && a->owner;
}

void
web_media_index(struct wa_web *w, const struct wa_conv *c)
{
	size_t i;
	char *was;

	for (i = 0; i < c->nmsg; i++)
		if (c->msg[i].media && ((was = wa_hash_get(w->media, c->msg[i].media)) == NULL ||
		    strcmp(was, c->id) != 0)) {
			free(was);
			wa_hash_put(w->media, c->msg[i].media, wa_strdup(c->id));
		}
}

/*
 * Does a conversation Q's agent may see hold media ID? The index names
 * the conversation whose thread showed it (a page holds a media's address
 * only after its thread was read), so one thread is read again, not those
 * of every conversation the agent sees: the conversation may have been
 * forgotten since, or the agent's departments changed.
 */
static int
held(struct web_req *q, const char *id)
{
	const char *conv = wa_hash_get(q->w->media, id);
	struct wa_conv *c;
	size_t j;

	if (conv == NULL || (c = wa_inbox_find(web_inbox(q->w), conv)) == NULL ||
	    strcmp(c->id, conv) != 0 || !web_may_see(q, c))
		return 0;
	wa_conv_thread(web_inbox(q->w), c);
	for (j = 0; j < c->nmsg; j++)
		if (c->msg[j].media && strcmp(c->msg[j].media, id) == 0)
			return 1;
	return 0;
}

enum MHD_Result
web_media(struct web_req *q, const char *id)
{
	static const char *const inline_[] = { "image/jpeg", "image/png", "image/webp" };
	struct wa_buf b = { 0 };
	char err[WA_GRAPH_ERRSZ];
	const struct wa_media_kind *k;
	const char *mime = "application/octet-stream";
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i;
	int shown = 0;

	/* the Cloud API's media ids are digits: anything else names no media of ours */
	if (*id == '\0' || strlen(id) > 32 || id[strspn(id, "0123456789")] != '\0' || !held(q, id))
		return web_text(q->conn, MHD_HTTP_NOT_FOUND, "not found");
	if (wa_media_download(id, &b, NULL, err, sizeof err) < 0) {
		wa_buf_free(&b);
		return web_text(q->conn, MHD_HTTP_BAD_GATEWAY, "the Cloud API did not give the media");
	}
	if ((k = wa_media_sniff(b.s, b.len)) != NULL)
		for (i = 0; i < sizeof inline_ / sizeof *inline_; i++)
			if (strcmp(k->mime, inline_[i]) == 0)
				mime = k->mime, shown = 1;
	if (k && !shown)
		mime = k->mime;
	r = MHD_create_response_from_buffer(b.len, b.s, MHD_RESPMEM_MUST_COPY);
	wa_buf_free(&b);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
	if (!shown)
		MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"media\"");
	web_headers(r);
	ret = MHD_queue_response(q->conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}
