/* Unit tests for common/media.c: a file's kind by its first bytes, the Cloud API's limits, its hash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wa.h"
#include "send.h"
#include "tap.h"

static const char *
kind(const char *p, size_t n)
{
	const struct wa_media_kind *k = wa_media_sniff(p, n);

	return k ? k->mime : NULL;
}

static const char *
type(const char *p, size_t n)
{
	const struct wa_media_kind *k = wa_media_sniff(p, n);

	return k ? k->type : NULL;
}

/* Write N bytes of P to a new file; its path. */
static char *
file(const char *p, size_t n)
{
	static char path[] = "/tmp/t-media.XXXXXX";
	int fd;

	strcpy(path, "/tmp/t-media.XXXXXX");
	if ((fd = mkstemp(path)) < 0 || write(fd, p, n) != (ssize_t)n)
		exit(2);
	close(fd);
	return path;
}

int
main(void)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	static const char mp4[] = "\0\0\0\x18" "ftypisom\0\0\0\0";
	static const char tgp[] = "\0\0\0\x18" "ftyp3gp5\0\0\0\0";
	static const char m4a[] = "\0\0\0\x18" "ftypM4A \0\0\0\0";
	const struct wa_media_kind *k;
	struct wa_buf b = { 0 };
	char hex[65], err[256], *big, *path;

	wa_init_name("t-media");
	is(kind("\xff\xd8\xff\xe0", 4), "image/jpeg", "JPEG by its SOI marker");
	is(type("\xff\xd8\xff\xe0", 4), "image", "a JPEG goes as an image");
	is(kind(png, sizeof png - 1), "image/png", "PNG by its signature");
	is(kind("%PDF-1.7\n", 9), "application/pdf", "PDF");
	is(type("%PDF-1.7\n", 9), "document", "a PDF goes as a document");
	is(kind(mp4, sizeof mp4 - 1), "video/mp4", "ISO media: MP4 by default");
	is(kind(tgp, sizeof tgp - 1), "video/3gpp", "a 3gp brand: 3GPP");
	is(kind(m4a, sizeof m4a - 1), "audio/mp4", "an M4A brand: audio");
	is(kind("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp", "WebP");
	is(type("RIFF\0\0\0\0WEBPVP8 ", 16), "sticker", "WebP goes as a sticker");
	is(kind("RIFF\0\0\0\0WAVEfmt ", 16), NULL, "a WAV is RIFF but no media the API takes");
	is(kind("GIF89a", 6), NULL, "GIF: none");
	is(kind("\xff\xd8", 2), NULL, "two bytes of a JPEG: too short to tell");
	is(kind("", 0), NULL, "an empty file: none");
	is(kind("%PDF", 4), NULL, "%PDF without its dash: none");
	ok(wa_media_bymime("IMAGE/PNG") == wa_media_sniff(png, sizeof png - 1),
	    "a MIME type in any case names the same kind");
	ok(wa_media_bymime("image/gif") == NULL, "image/gif: not taken");
	k = wa_media_bymime("image/jpeg");
	isnum((long long)k->max, 5 << 20, "an image: 5 MB");
	isnum((long long)wa_media_bymime("video/mp4")->max, 16 << 20, "a video: 16 MB");
	isnum((long long)wa_media_bymime("application/pdf")->max, 100 << 20, "a document: 100 MB");

	wa_media_sha256("abc", 3, hex);
	is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "SHA-256 of abc, lower-case hex");

	path = file(png, sizeof png - 1);
	ok(wa_media_read(path, &b, &k, err, sizeof err) == 0 && k &&
	    strcmp(k->mime, "image/png") == 0 && b.len == sizeof png - 1,
	    "wa_media_read: the bytes and the kind");
	unlink(path);
	wa_buf_reset(&b);
	path = file("GIF89a....", 10);
	ok(wa_media_read(path, &b, &k, err, sizeof err) < 0 && strstr(err, "by its content"),
	    "a GIF refused, by its content");
	unlink(path);
	wa_buf_reset(&b);
	big = calloc(1, (5 << 20) + 1);
	memcpy(big, "\xff\xd8\xff\xe0", 4);
	path = file(big, (5 << 20) + 1);
	ok(wa_media_read(path, &b, &k, err, sizeof err) < 0 && strstr(err, "5 MB"),
	    "a JPEG a byte over 5 MB refused");
	unlink(path);
	wa_buf_reset(&b);
	path = file(big, 5 << 20);
	ok(wa_media_read(path, &b, &k, err, sizeof err) == 0, "one of 5 MB exactly goes");
	unlink(path);
	ok(wa_media_read("/nonexistent/x.jpg", &b, &k, err, sizeof err) < 0 &&
	    strstr(err, "No such file"), "a missing file: its reason");
	free(big);
	wa_buf_free(&b);
	return done_testing();
}
