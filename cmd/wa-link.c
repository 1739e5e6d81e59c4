/* wa-link: click-to-chat links, their QR codes and a button for the store's pages. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zlib.h>

#include "wa.h"
#include "store.h"

#define QUIET 4		/* modules of white around the code, as ISO 18004 asks */
#define SCALE 8		/* PNG pixels a module */

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wa-link [--html [--label TEXT]] [-m TEXT] [-n NUMBER]\n"
	    "               [--qr svg|png -o FILE] [--ref SOURCE]\n");
	exit(status);
}

/* https://wa.me/<digits>?text=<TEXT with its source tag>, into LINK. */
static void
mklink(struct wa_buf *link, const char *number, const char *text, const char *ref)
{
	struct wa_buf t = { 0 };
	char e164[WA_PHONE_MAX];
	int rc;

	if (number == NULL || *number == '\0')
		wa_die(WA_EXIT_USAGE, "give -n NUMBER or set WA_BUSINESS_NUMBER");
	if ((rc = wa_phone_norm(number, NULL, e164)) != WA_PHONE_OK)
		wa_die(WA_EXIT_USAGE, "'%s': %s", number, wa_phone_strerror(rc));
	if (text != NULL && wa_utf8_valid(text, strlen(text)) != strlen(text))
		wa_die(WA_EXIT_USAGE, "-m: not UTF-8 text");
	if (ref != NULL && wa_ref_make(&t, text, ref) < 0)
		wa_die(WA_EXIT_USAGE, "--ref: '%s' is not 1 to %d letters, digits "
		    "or -_.:/", ref, WA_REF_MAX);
	if (ref == NULL && text != NULL)
		wa_buf_adds(&t, text);
	wa_buf_adds(link, "https://wa.me/");
	wa_buf_adds(link, e164 + 1);	/* digits only: wa.me refuses the '+' */
	if (t.len > 0) {
		wa_buf_adds(link, "?text=");
		wa_url_enc(link, wa_buf_str(&t));
	}
	wa_buf_free(&t);
}

static void
html_esc(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

/*
 * A link styled as a button: dark text on WhatsApp green (contrast over
 * 7:1), the new tab said in its accessible name, no script.
 */
static void
html(const char *link, const char *label)
{
	fputs("<a href=\"", stdout);
	html_esc(stdout, link);
	fputs("\" target=\"_blank\" rel=\"noopener\" aria-label=\"", stdout);
	html_esc(stdout, label);
	fputs(" (WhatsApp, opens in a new tab)\" style=\"display:inline-block;"
	    "padding:12px 20px;border-radius:24px;background:#25D366;"
	    "color:#0B141A;font:600 16px/1.2 system-ui,sans-serif;"
	    "text-decoration:none\">", stdout);
	html_esc(stdout, label);
	fputs("</a>\n", stdout);
}

static int
dark(const QRcode *q, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	return x >= 0 && y >= 0 && x < q->width && y < q->width &&
	    (q->data[y * q->width + x] & 1);
}

/* One path of the dark runs of each row: small, and crisp at any size. */
static void
svg(FILE *fp, const QRcode *q)
{
	int w = q->width + 2 * QUIET, x, y, run;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#FFFFFF\"/>\n<path fill=\"#000000\" d=\"",
	    w, w, w * SCALE, w * SCALE, w, w);
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x += run) {
			for (run = 0; x + run < w && dark(q, x + run, y); run++)
				continue;
			if (run > 0)
				fprintf(fp, "M%d %dh%dv1h-%dz", x, y, run, run);
			else
				run = 1;
		}
	fputs("\"/>\n</svg>\n", fp);
}

static void
chunk(FILE *fp, const char *type, const unsigned char *p, size_t n)
{
	uint32_t v = htonl((uint32_t)n);
	uLong crc = crc32(0, (const Bytef *)type, 4);

	fwrite(&v, 4, 1, fp);
	fwrite(type, 1, 4, fp);
	/* IEND has no data, and fwrite of a null pointer is undefined */
	if (n > 0) {
		crc = crc32(crc, p, (uInt)n);
		fwrite(p, 1, n, fp);
	}
	v = htonl((uint32_t)crc);
	fwrite(&v, 4, 1, fp);
}

/* A 1-bit greyscale PNG, SCALE pixels a module; zlib does the deflate. */
static void
png(FILE *fp, const QRcode *q)
{
	int px = (q->width + 2 * QUIET) * SCALE, x, y;
	size_t stride = 1 + ((size_t)px + 7) / 8, n = stride * (size_t)px;
	unsigned char *raw = wa_calloc(n, 1), *z, hdr[13], *row;
	uLongf zn = compressBound((uLong)n);
	uint32_t v = htonl((uint32_t)px);

	for (y = 0; y < px; y++) {
		row = raw + (size_t)y * stride;	/* row[0] = 0: no filter */
		for (x = 0; x < px; x++)
			if (!dark(q, x / SCALE, y / SCALE))	/* 1 is white */
				row[1 + x / 8] |= (unsigned char)(0x80 >> (x % 8));
	}
	z = wa_malloc(zn);
	if (compress2(z, &zn, raw, (uLong)n, 9) != Z_OK)
		wa_die(WA_EXIT_FATAL, "cannot compress the PNG");
	memcpy(hdr, &v, 4);
	memcpy(hdr + 4, &v, 4);
	memcpy(hdr + 8, "\1\0\0\0\0", 5);	/* depth 1, grey, deflate, no filter, no interlace */
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp);
	chunk(fp, "IHDR", hdr, sizeof hdr);
	chunk(fp, "IDAT", z, zn);
	chunk(fp, "IEND", NULL, 0);
	free(raw);
	free(z);
}

static void
qr(const char *link, const char *fmt, const char *out)
{
	FILE *fp = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
	QRcode *q;

	if (fp == NULL)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", out);
	/* Level M: a printed code still reads with 15% of it smudged. */
	if ((q = QRcode_encodeString8bit(link, 0, QR_ECLEVEL_M)) == NULL)
		wa_die(WA_EXIT_USAGE, "cannot make a QR code of the link:");
	if (strcmp(fmt, "svg") == 0)
		svg(fp, q);
	else
		png(fp, q);
	QRcode_free(q);
	if (fp != stdout && (ferror(fp) | fclose(fp)) != 0)
		wa_die(WA_EXIT_FATAL, "cannot write '%s':", out);
}

/* Print the click-to-chat link, or its button; write its QR code. */
int
main(int argc, char **argv)
{
	enum { OPT_HTML = 256 };
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "html", no_argument, NULL, OPT_HTML },
		{ "label", required_argument, NULL, 'l' },
		{ "qr", required_argument, NULL, 'q' },
		{ "ref", required_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *number = getenv("WA_BUSINESS_NUMBER"), *text = NULL;
	const char *ref = NULL, *fmt = NULL, *out = NULL, *label = NULL;
	struct wa_buf link = { 0 };
	int ch, ishtml = 0;

	wa_init(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "hm:n:o:", longs, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(0); break;
		case OPT_HTML: ishtml = 1; break;
		case 'l': label = optarg; break;
		case 'm': text = optarg; break;
		case 'n': number = optarg; break;
		case 'o': out = optarg; break;
		case 'q': fmt = optarg; break;
		case 'r': ref = optarg; break;
		case 'V': wa_version(); break;
		default: usage(WA_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(WA_EXIT_USAGE);
	if (fmt != NULL && strcmp(fmt, "svg") != 0 && strcmp(fmt, "png") != 0)
		wa_die(WA_EXIT_USAGE, "--qr: svg or png, not '%s'", fmt);
	if ((fmt == NULL) != (out == NULL))
		wa_die(WA_EXIT_USAGE, "--qr and -o go together");
	if (ishtml && out != NULL && strcmp(out, "-") == 0)
		wa_die(WA_EXIT_USAGE, "--html and -o - both write to the standard output");
	if (label != NULL && !ishtml)
		wa_die(WA_EXIT_USAGE, "--label goes with --html");
	if (label != NULL && wa_utf8_valid(label, strlen(label)) != strlen(label))
		wa_die(WA_EXIT_USAGE, "--label: not UTF-8 text");
	mklink(&link, number, text, ref);
	if (fmt != NULL)
		qr(wa_buf_str(&link), fmt, out);
	if (ishtml)
		html(wa_buf_str(&link), label ? label : "Chat on WhatsApp");
	else if (out == NULL || strcmp(out, "-") != 0)
		printf("%s\n", wa_buf_str(&link));
	wa_buf_free(&link);
	return wa_finish();
}
