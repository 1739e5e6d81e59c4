/*
 * media.c: media files for the Cloud API. Their type is read from their
 * first bytes, never from a name, so a photo named .pdf still goes as a
 * photo and a file that is none of the known kinds is refused here rather
 * than by Meta after the upload. Uploads go as multipart/form-data to
 * /PHONE_NUMBER_ID/media; a download asks /MEDIA_ID for its url, then
 * GETs that with the same bearer token.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "wa.h"
#include "send.h"

#define MB (1 << 20)

/* What the Cloud API takes (its media reference), the sniffable ones first. */
static const struct wa_media_kind kinds[] = {
	{ "image/jpeg", "image", 5 * MB },
	{ "image/png", "image", 5 * MB },
	{ "application/pdf", "document", 100 * MB },
	{ "video/mp4", "video", 16 * MB },
	{ "video/3gpp", "video", 16 * MB },
	{ "image/webp", "sticker", 500 * 1024 },
	{ "audio/ogg", "audio", 16 * MB },
	{ "audio/mpeg", "audio", 16 * MB },
	{ "audio/mp4", "audio", 16 * MB },
	{ "audio/aac", "audio", 16 * MB },
	{ "audio/amr", "audio", 16 * MB },
	{ "text/plain", "document", 100 * MB },
	{ "application/msword", "document", 100 * MB },
	{ "application/vnd.ms-excel", "document", 100 * MB },
	{ "application/vnd.ms-powerpoint", "document", 100 * MB },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", 100 * MB },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", 100 * MB },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", "document", 100 * MB },
};

const struct wa_media_kind *
wa_media_bymime(const char *mime)
{
	size_t i;

	for (i = 0; mime && i < sizeof kinds / sizeof *kinds; i++)
		if (strcasecmp(mime, kinds[i].mime) == 0)
			return &kinds[i];
	return NULL;
}

/* Does P[0..N) hold S at OFF? */
static int
at(const unsigned char *p, size_t n, size_t off, const char *s, size_t len)
{
	return n >= off + len && memcmp(p + off, s, len) == 0;
}

const struct wa_media_kind *
wa_media_sniff(const void *data, size_t n)
{
	const unsigned char *p = data;
	const char *m = NULL;

	if (at(p, n, 0, "\xff\xd8\xff", 3))
		m = "image/jpeg";
	else if (at(p, n, 0, "\x89PNG\r\n\x1a\n", 8))
		m = "image/png";
	else if (at(p, n, 0, "%PDF-", 5))
		m = "application/pdf";
	else if (at(p, n, 0, "RIFF", 4) && at(p, n, 8, "WEBP", 4))
		m = "image/webp";
	else if (at(p, n, 0, "OggS", 4))
		m = "audio/ogg";
	else if (at(p, n, 0, "ID3", 3))
		m = "audio/mpeg";
	else if (at(p, n, 4, "ftyp", 4))	/* ISO media: the brand says which */
		m = at(p, n, 8, "3gp", 3) ? "video/3gpp" : at(p, n, 8, "M4A", 3) ?
		    "audio/mp4" : "video/mp4";
	return wa_media_bymime(m);
}

void
wa_media_sha256(const void *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	wa_hex_enc(out, md, len < 32 ? len : 32);
}

int
wa_media_read(const char *path, struct wa_buf *out,
    const struct wa_media_kind **k, char *err, size_t errsz)
{
	char buf[1 << 14];
	size_t n;
	int big = 0;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return wa_seterr(err, errsz, "%s", strerror(errno));
	while (!big && (n = fread(buf, 1, sizeof buf, fp)) > 0)
		big = wa_buf_addmax(out, buf, n, WA_MEDIA_MAX) < 0;
	n = ferror(fp);
	fclose(fp);
	if (n)
		return wa_seterr(err, errsz, "cannot read it");
	if ((*k = wa_media_sniff(out->s, out->len)) == NULL)
		return wa_seterr(err, errsz, "not a JPEG, PNG, PDF, MP4 or other media "
		    "the Cloud API takes (by its content)");
	if (big || out->len > (*k)->max)
		return wa_seterr(err, errsz, "%s over the Cloud API's %zu MB", (*k)->mime,
		    (*k)->max >> 20);
	return 0;
}

/* A client that sends the token; dies with status 2 without one. */
static struct wa_fetch *
client(size_t maxbody)
{
	struct wa_fetch *f = wa_fetch_new();
	char *tok = wa_secret("WA_TOKEN"), *h;

	if (tok == NULL)
		wa_die(WA_EXIT_USAGE, "set WA_TOKEN or WA_TOKEN_FILE");
	wa_fetch_limits(f, 3, 5000, maxbody);
	h = wa_strjoin("Authorization: Bearer ", "", tok);
	wa_fetch_header(f, h);
	wa_secret_free(tok);
	wa_secret_free(h);
	return f;
}

/* The answer of F as a JSON object, or NULL with the reason (the Graph error) in ERR. */
static json_t *
answer(struct wa_fetch *f, int rc, char *err, size_t errsz)
{
	struct wa_graph_ans a;
	const char *body;
	json_t *o = NULL;
	long http = wa_fetch_status(f);
	size_t n;

	if (rc != 0) {
		wa_seterr(err, errsz, "%s", wa_fetch_err(f));
		return NULL;
	}
	body = wa_fetch_body(f, &n);
	if (http >= 200 && http < 300 && (o = json_loadb(body, n, 0, NULL)) != NULL &&
	    json_is_object(o) && json_object_get(o, "error") == NULL)
		return o;
	json_decref(o);
	wa_graph_answer(&a, http, body, n);
	if (a.kind == WA_GRAPH_ERROR && a.err.code >= 0)
		wa_seterr(err, errsz, "HTTP %ld, error %lld: %s%s%s", http, a.err.code,
		    a.err.title, a.err.details ? ": " : "", a.err.details ? a.err.details : "");
	else
		wa_seterr(err, errsz, "%s", a.kind == WA_GRAPH_GARBAGE ? a.what : a.err.title);
	wa_graph_ans_free(&a);
	return NULL;
}

/* A form field NAME of P[0..N) (with a file NAME and type when FILE) into B. */
static void
part(struct wa_buf *b, const char *bound, const char *name, const char *file,
    const char *type, const void *p, size_t n)
{
	wa_buf_adds(b, "--");
	wa_buf_adds(b, bound);
	wa_buf_adds(b, "\r\nContent-Disposition: form-data; name=\"");
	wa_buf_adds(b, name);
	if (file) {
		wa_buf_adds(b, "\"; filename=\"");
		for (; *file; file++)	/* a quote or a line break would end the header */
			wa_buf_addc(b, strchr("\"\r\n\\", *file) ? '_' : *file);
		wa_buf_adds(b, "\"\r\nContent-Type: ");
		wa_buf_adds(b, type);
	} else
		wa_buf_adds(b, "\"");
	wa_buf_adds(b, "\r\n\r\n");
	wa_buf_add(b, p, n);
	wa_buf_adds(b, "\r\n");
}

char *
wa_media_upload(const void *data, size_t n, const struct wa_media_kind *k,
    const char *name, char *err, size_t errsz)
{
	const char *pnid = getenv("WA_PHONE_NUMBER_ID");
	struct wa_buf url = { 0 }, body = { 0 };
	char bound[8 + 65], ct[128], *id = NULL;
	struct wa_fetch *f;
	json_t *o;

	if (pnid == NULL || *pnid == '\0')
		wa_die(WA_EXIT_USAGE, "set WA_PHONE_NUMBER_ID");
	if (wa_graph_url(&url, getenv("WA_API_URL"), pnid, "media", err, errsz) < 0)
		wa_die(WA_EXIT_USAGE, "WA_API_URL/WA_PHONE_NUMBER_ID: %s", err);
	f = client(64 * 1024);
	/* a boundary no file holds: its own hash */
	wa_media_sha256(data, n, bound + 8);
	memcpy(bound, "wa-media", 8);
	bound[40] = '\0';
	snprintf(ct, sizeof ct, "Content-Type: multipart/form-data; boundary=%s", bound);
	wa_fetch_header(f, ct);
	part(&body, bound, "messaging_product", NULL, NULL, "whatsapp", 8);
	part(&body, bound, "type", NULL, NULL, k->mime, strlen(k->mime));
	part(&body, bound, "file", name, k->mime, data, n);
	wa_buf_adds(&body, "--");
	wa_buf_adds(&body, bound);
	wa_buf_adds(&body, "--\r\n");
	o = answer(f, wa_fetch_do(f, wa_buf_str(&url), body.s, body.len), err, errsz);
	if (o != NULL && (id = wa_strdup0(wa_json_str(o, "id"))) == NULL)
		wa_seterr(err, errsz, "the answer has no media id");
	json_decref(o);
	wa_fetch_free(f);
	wa_buf_free(&url), wa_buf_free(&body);
	return id;
}

/*
 * The token goes only to an https URL, or to the server of $WA_API_URL
 * itself (a mock over http on this machine).
 */
static int
trusted(const char *url)
{
	const char *base = getenv("WA_API_URL"), *p;
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	if (base == NULL || (p = strstr(base, "://")) == NULL)
		return 0;
	n = (size_t)(p + 3 - base) + strcspn(p + 3, "/");
	return strncasecmp(url, base, n) == 0 && (url[n] == '/' || url[n] == '\0');
}

/* Are the N bytes at P what INFO says: its size and its sha256? */
static int
matches(json_t *info, const char *p, size_t n, char *err, size_t errsz)
{
	json_t *sz = json_object_get(info, "file_size");
	const char *sha = wa_json_str(info, "sha256");
	char hex[65];
	long long want = json_is_integer(sz) ? json_integer_value(sz) :
	    json_is_string(sz) ? atoll(json_string_value(sz)) : -1;

	if (want >= 0 && (size_t)want != n)
		return wa_seterr(err, errsz, "got %zu bytes, not the %lld of its file_size", n, want);
	wa_media_sha256(p, n, hex);
	if (sha && *sha && strcasecmp(sha, hex) != 0)
		return wa_seterr(err, errsz, "its sha256 is %s, not %s", hex, sha);
	return 0;
}

int
wa_media_download(const char *id, struct wa_buf *out, json_t **info, char *err,
    size_t errsz)
{
	struct wa_buf url = { 0 };
	struct wa_fetch *f = client(WA_MEDIA_MAX);
	const char *u, *p;
	json_t *o = NULL;
	int rc = -1;
	size_t n;

	if (wa_graph_url(&url, getenv("WA_API_URL"), id, NULL, err, errsz) == 0 &&
	    (o = answer(f, wa_fetch_do(f, wa_buf_str(&url), NULL, 0), err, errsz)) != NULL) {
		if ((u = wa_json_str(o, "url")) == NULL)
			wa_seterr(err, errsz, "the answer has no url");
		else if (!trusted(u))
			wa_seterr(err, errsz, "%s: not https: the token does not go there", u);
		else if (wa_fetch_do(f, u, NULL, 0) != 0)
			wa_seterr(err, errsz, "%s", wa_fetch_err(f));
		else if (wa_fetch_status(f) != 200)
			wa_seterr(err, errsz, "the download answered HTTP %ld", wa_fetch_status(f));
		else if (p = wa_fetch_body(f, &n), matches(o, p, n, err, errsz) == 0) {
			wa_buf_add(out, p, n);
			rc = 0;
		}
	}
	if (info != NULL)
		*info = o;
	else
		json_decref(o);
	wa_fetch_free(f);
	wa_buf_free(&url);
	return rc;
}

json_t *
wa_media_fetch(const char *id, const char *path, char *err, size_t errsz)
{
	struct wa_buf b = { 0 };
	json_t *info = NULL;
	char *tmp;
	FILE *fp;

	if (wa_media_download(id, &b, &info, err, errsz) < 0) {
		json_decref(info);
		wa_buf_free(&b);
		return NULL;
	}
	if (path == NULL) {
		if (b.len && fwrite(b.s, 1, b.len, stdout) != b.len)
			wa_die(WA_EXIT_FATAL, "error writing output:");
	} else {
		if ((fp = wa_rewrite_open(path, &tmp)) == NULL)
			wa_die(WA_EXIT_FATAL, "%s:", path);
		if ((b.len && fwrite(b.s, 1, b.len, fp) != b.len) ||
		    wa_rewrite_commit(fp, tmp, path) < 0)
			wa_die(WA_EXIT_FATAL, "%s: cannot write:", path);
	}
	/* the url works for minutes, and only with the token */
	json_object_del(info, "url");
	json_object_del(info, "messaging_product");
	wa_json_setstr(info, "file", path);
	wa_buf_free(&b);
	return info;
}
