/*
 * webhttp.c: wa-inbox serve's answers, each with the headers that keep a
 * customer's text from running in an agent's browser, and its forms:
 * fields kept small, an upload written as it comes to a file of the
 * server's naming under $WA_HOME/uploads, never served, and kept only
 * when its first bytes say JPEG, PNG or PDF.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "inbox.h"
#include "web.h"
#include "web-int.h"

void
web_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'self'; "
	    "script-src 'self'; object-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cache-Control", "no-store");
}

/* Answer BODY (freed) as TYPE. */
enum MHD_Result
web_send(struct MHD_Connection *c, unsigned status, const char *type, struct wa_buf *body)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(body->len, body->len ? body->s : (void *)"",
	    MHD_RESPMEM_MUST_COPY);
	wa_buf_free(body);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	web_headers(r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
web_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct wa_buf b = { 0 };

	wa_buf_adds(&b, text);
	wa_buf_adds(&b, "\n");
	return web_send(c, status, "text/plain; charset=utf-8", &b);
}

/* 303 to TO (a path of ours), setting COOKIE (a whole Set-Cookie value) when not NULL. */
enum MHD_Result
web_redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, to);
	if (cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	web_headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

const char *
web_field(struct web_req *q, const char *name)
{
	return q->form ? wa_json_str(q->form, name) : NULL;
}

/* A new file under the uploads directory, named by 16 random bytes. */
static int
upopen(struct web_req *q)
{
	unsigned char r[16];
	char name[40];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	for (i = 0; i < sizeof r; i++)
		snprintf(name + 2 * i, 3, "%02x", r[i]);
	q->uppath = wa_strjoin(q->w->uploads, "/", name);
	q->upfd = open(q->uppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	return q->upfd;
}

/* The upload's bytes, to its file. */
static int
upwrite(struct web_req *q, const char *filename, const char *data, size_t n)
{
	ssize_t k;

	if (q->upfd < 0 && q->uppath == NULL) {
		/* the name is only ever shown and sent as a document's name */
		wa_strset(&q->upname, filename);
		if (upopen(q) < 0) {
			q->bad = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return -1;
		}
	}
	if (q->upfd < 0)
		return -1;	/* a second file: only one is taken */
	if (q->upsize + n > WEB_UPLOADMAX) {
		q->bad = MHD_HTTP_CONTENT_TOO_LARGE;
		return -1;
	}
	for (; n > 0; data += k, n -= (size_t)k, q->upsize += (size_t)k)
		if ((k = write(q->upfd, data, n)) < 0 && errno != EINTR) {
			q->bad = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return -1;
		} else if (k < 0)
			k = 0;
	return 0;
}

static enum MHD_Result
field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *ctype, const char *enc, const char *data, uint64_t off, size_t n)
{
	struct web_req *q = cls;
	const char *old;
	char *v;

	(void)kind, (void)ctype, (void)enc, (void)off;
	if (q->bad)
		return MHD_NO;
	if (filename != NULL && *filename == '\0')
		return MHD_YES;	/* no file chosen */
	if (filename != NULL && strcmp(key, "file") == 0)
		return upwrite(q, filename, data, n) < 0 ? MHD_NO : MHD_YES;
	if (filename != NULL)
		return MHD_YES;	/* no other field takes a file */
	old = wa_json_str(q->form, key);
	if ((old ? strlen(old) : 0) + n > WEB_FIELDMAX) {
		q->bad = MHD_HTTP_CONTENT_TOO_LARGE;
		return MHD_NO;
	}
	v = wa_malloc((old ? strlen(old) : 0) + n + 1);
	memcpy(v, old ? old : "", old ? strlen(old) : 0);
	memcpy(v + (old ? strlen(old) : 0), data, n);
	v[(old ? strlen(old) : 0) + n] = '\0';
	json_object_set_new(q->form, key, json_string_nocheck(v));
	free(v);
	return MHD_YES;
}

unsigned
web_form_begin(struct web_req *q)
{
	const char *len = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (len && strtoull(len, NULL, 10) > WEB_UPLOADMAX + WEB_FIELDMAX)
		return MHD_HTTP_CONTENT_TOO_LARGE;
	q->form = json_object();
	q->upfd = -1;
	if ((q->pp = MHD_create_post_processor(q->conn, 16384, field, q)) == NULL)
		return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
	return 0;
}

void
web_form_feed(struct web_req *q, const char *data, size_t n)
{
	if (q->pp == NULL)
		q->bad = MHD_HTTP_BAD_REQUEST;
	else if (!q->bad && MHD_post_process(q->pp, data, n) != MHD_YES && !q->bad)
		q->bad = MHD_HTTP_BAD_REQUEST;
}

/* Drop the upload: its file and its name. */
static void
updrop(struct web_req *q)
{
	if (q->upfd >= 0)
		close(q->upfd);
	q->upfd = -1;
	if (q->uppath)
		unlink(q->uppath);
	free(q->uppath);
	q->uppath = NULL;
}

unsigned
web_form_end(struct web_req *q)
{
	unsigned char head[16];
	ssize_t n;
	const struct wa_media_kind *k;

	if (q->bad || q->upfd < 0) {
		if (q->bad)
			updrop(q);
		return q->bad;
	}
	if (close(q->upfd) < 0) {
		q->upfd = -1;
		updrop(q);
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	q->upfd = open(q->uppath, O_RDONLY | O_CLOEXEC);
	n = q->upfd < 0 ? -1 : read(q->upfd, head, sizeof head);
	k = n > 0 ? wa_media_sniff(head, (size_t)n) : NULL;
	close(q->upfd);
	q->upfd = -1;
	if (k == NULL || (strcmp(k->mime, "image/jpeg") && strcmp(k->mime, "image/png") &&
	    strcmp(k->mime, "application/pdf"))) {
		updrop(q);
		return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
	}
	return 0;
}

void
web_req_free(struct web_req *q)
{
	if (q->pp)
		MHD_destroy_post_processor(q->pp);
	json_decref(q->form);
	/* an upload is read by the action's child, and of no use after it */
	updrop(q);
	free(q->upname);
	free(q);
}
