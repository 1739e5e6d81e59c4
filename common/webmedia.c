/*
 * webmedia.c: /media/ID, a message's photo or file fetched from the
 * Cloud API with the token, which stays on the server, for an agent who
 * may see a conversation holding that media; any other id is a 404,
 * told apart from no media at all by nothing. Its type is the bytes',
 * and only a photo is shown inline: a file is an attachment.
 */
#include <string.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

int
web_may_see(struct web_req *q, const struct wa_conv *c)
{
	const struct wa_agent *a = wa_agents_get(q->w->cfg->agents, q->agent);

	return c && a && wa_web_may_see(a, c);
}

int
web_owner(struct web_req *q)
{
	const struct wa_agent *a = wa_agents_get(q->w->cfg->agents, q->agent);

	return a && a->owner;
}

/* Does a conversation Q's agent may see hold media ID? */
static int
held(struct web_req *q, const char *id)
{
	struct wa_inbox *ib = web_inbox(q->w);
	size_t i, j;

	for (i = 0; i < ib->n; i++) {
		if (!web_may_see(q, ib->conv[i]))
			continue;
		/* a thread the fold left unread is read once, then kept until the next load */
		wa_conv_thread(ib, ib->conv[i]);
		for (j = 0; j < ib->conv[i]->nmsg; j++)
			if (ib->conv[i]->msg[j].media && strcmp(ib->conv[i]->msg[j].media, id) == 0)
				return 1;
	}
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
