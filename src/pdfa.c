/* pdfa.c — ICC profile, XMP packet and OutputIntent for PDF/A-1b (see pdfa.h). */
#include "pdfa.h"
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- ICC v2 profile ------------------------------------------------------------------ */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_sig(unsigned char *p, const char *sig)
{
    memcpy(p, sig, 4);
}

/* s15Fixed16Number */
static void put_s15f16(unsigned char *p, double v)
{
    double scaled = v * 65536.0;
    int32_t i = (int32_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    put32(p, (uint32_t)i);
}

static size_t align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

enum { ICC_HEADER = 128 };

/* Tag element builders: each writes at `p` (when non-NULL) and returns its size. */
static size_t icc_desc(unsigned char *p, const char *ascii)
{
    size_t n = strlen(ascii) + 1; /* with the NUL */
    size_t size = 8 + 4 + n + 4 + 4 + 2 + 1 + 67;
    if (p) {
        memset(p, 0, size);
        put_sig(p, "desc");
        put32(p + 8, (uint32_t)n);
        memcpy(p + 12, ascii, n);
        /* Unicode language code 0, count 0; ScriptCode code 0, count 0, 67 zero bytes. */
    }
    return size;
}

static size_t icc_text(unsigned char *p, const char *ascii)
{
    size_t n = strlen(ascii) + 1;
    if (p) {
        memset(p, 0, 8 + n);
        put_sig(p, "text");
        memcpy(p + 8, ascii, n);
    }
    return 8 + n;
}

static size_t icc_xyz(unsigned char *p, double x, double y, double z)
{
    if (p) {
        memset(p, 0, 20);
        put_sig(p, "XYZ ");
        put_s15f16(p + 8, x);
        put_s15f16(p + 12, y);
        put_s15f16(p + 16, z);
    }
    return 20;
}

static size_t icc_gamma(unsigned char *p, double gamma)
{
    if (p) {
        memset(p, 0, 14);
        put_sig(p, "curv");
        put32(p + 8, 1);
        put16(p + 12, (uint16_t)(gamma * 256.0 + 0.5)); /* u8Fixed8Number */
    }
    return 14;
}

typedef struct icc_tag {
    const char *sig;
    int kind; /* 0 desc, 1 text, 2 xyz, 3 curve */
    const char *text;
    double v[3];
    int share_with; /* index of an earlier tag whose data this one reuses, or -1 */
} icc_tag;

unsigned char *nb_pdfa_icc_profile(size_t *len)
{
    /* sRGB primaries, Bradford-adapted to the D50 PCS illuminant. */
    static const icc_tag tags[] = {
        {"desc", 0, "nianbao sRGB-like (gamma 2.2)", {0}, -1},
        {"cprt", 1, "No copyright, use freely", {0}, -1},
        {"wtpt", 2, NULL, {0.9642, 1.0, 0.8249}, -1},
        {"rXYZ", 2, NULL, {0.4361, 0.2225, 0.0139}, -1},
        {"gXYZ", 2, NULL, {0.3851, 0.7169, 0.0971}, -1},
        {"bXYZ", 2, NULL, {0.1431, 0.0606, 0.7141}, -1},
        {"rTRC", 3, NULL, {2.2, 0, 0}, -1},
        {"gTRC", 3, NULL, {2.2, 0, 0}, 6},
        {"bTRC", 3, NULL, {2.2, 0, 0}, 6},
    };
    enum { NTAGS = sizeof tags / sizeof tags[0] };
    size_t offs[NTAGS], sizes[NTAGS];
    size_t pos = ICC_HEADER + 4 + 12 * NTAGS;
    for (int i = 0; i < NTAGS; i++) {
        const icc_tag *t = &tags[i];
        size_t sz = t->kind == 0   ? icc_desc(NULL, t->text)
                    : t->kind == 1 ? icc_text(NULL, t->text)
                    : t->kind == 2 ? icc_xyz(NULL, 0, 0, 0)
                                   : icc_gamma(NULL, 0);
        sizes[i] = sz;
        if (t->share_with >= 0) {
            offs[i] = offs[t->share_with];
        } else {
            offs[i] = pos;
            pos = align4(pos + sz);
        }
    }
    size_t total = pos;
    unsigned char *p = calloc(1, total);
    if (!p) return NULL;
    /* Header */
    put32(p + 0, (uint32_t)total);
    put32(p + 8, 0x02100000u); /* version 2.1 */
    put_sig(p + 12, "mntr");
    put_sig(p + 16, "RGB ");
    put_sig(p + 20, "XYZ ");
    /* date 2020-01-01 00:00:00, fixed so the bytes never change */
    put16(p + 24, 2020);
    put16(p + 26, 1);
    put16(p + 28, 1);
    put_sig(p + 36, "acsp");
    put32(p + 64, 0); /* perceptual */
    put_s15f16(p + 68, 0.9642);
    put_s15f16(p + 72, 1.0);
    put_s15f16(p + 76, 0.8249);
    /* Tag table */
    put32(p + ICC_HEADER, NTAGS);
    for (int i = 0; i < NTAGS; i++) {
        unsigned char *e = p + ICC_HEADER + 4 + 12 * i;
        put_sig(e, tags[i].sig);
        put32(e + 4, (uint32_t)offs[i]);
        put32(e + 8, (uint32_t)sizes[i]);
        if (tags[i].share_with >= 0) continue;
        unsigned char *d = p + offs[i];
        switch (tags[i].kind) {
        case 0:
            icc_desc(d, tags[i].text);
            break;
        case 1:
            icc_text(d, tags[i].text);
            break;
        case 2:
            icc_xyz(d, tags[i].v[0], tags[i].v[1], tags[i].v[2]);
            break;
        default:
            icc_gamma(d, tags[i].v[0]);
            break;
        }
    }
    *len = total;
    return p;
}

/* ---- dates and XMP ------------------------------------------------------------------- */

void nb_pdfa_dates(time_t t, char pdf_date[32], char xmp_date[32])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm)) memset(&tm, 0, sizeof tm), tm.tm_mday = 1, tm.tm_year = 70;
    int y = tm.tm_year + 1900;
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    /* The modulos only tell the compiler how wide each field can be. */
    unsigned Y = (unsigned)y % 10000u, M = (unsigned)(tm.tm_mon + 1) % 100u,
             D = (unsigned)tm.tm_mday % 100u, h = (unsigned)tm.tm_hour % 100u,
             m = (unsigned)tm.tm_min % 100u, s = (unsigned)tm.tm_sec % 100u;
    snprintf(pdf_date, 32, "D:%04u%02u%02u%02u%02u%02u+00'00'", Y, M, D, h, m, s);
    snprintf(xmp_date, 32, "%04u-%02u-%02uT%02u:%02u:%02u+00:00", Y, M, D, h, m, s);
}

/* XML-escaped text; drops control characters XML 1.0 forbids. */
static void sb_xml(nb_buf *b, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            nb_buf_str(b, "&amp;");
            break;
        case '<':
            nb_buf_str(b, "&lt;");
            break;
        case '>':
            nb_buf_str(b, "&gt;");
            break;
        case '"':
            nb_buf_str(b, "&quot;");
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
            nb_buf_add(b, (const char *)&c, 1);
        }
    }
}

static void sb_alt(nb_buf *b, const char *elem, const char *value)
{
    nb_buf_str(b, "   <");
    nb_buf_str(b, elem);
    nb_buf_str(b, "><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    sb_xml(b, value);
    nb_buf_str(b, "</rdf:li></rdf:Alt></");
    nb_buf_str(b, elem);
    nb_buf_str(b, ">\n");
}

static void sb_simple(nb_buf *b, const char *elem, const char *value)
{
    nb_buf_str(b, "   <");
    nb_buf_str(b, elem);
    nb_buf_str(b, ">");
    sb_xml(b, value);
    nb_buf_str(b, "</");
    nb_buf_str(b, elem);
    nb_buf_str(b, ">\n");
}

char *nb_pdfa_xmp(const nb_pdf_meta *meta, const char *producer, size_t *len)
{
    char pdf_date[32], xmp_date[32];
    nb_pdfa_dates(meta->date, pdf_date, xmp_date);
    nb_buf b = {0};
    nb_buf_str(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    nb_buf_str(&b,
               "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
               "   <dc:format>application/pdf</dc:format>\n");
    if (meta->title) sb_alt(&b, "dc:title", meta->title);
    if (meta->author) {
        nb_buf_str(&b, "   <dc:creator><rdf:Seq><rdf:li>");
        sb_xml(&b, meta->author);
        nb_buf_str(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (meta->subject) sb_alt(&b, "dc:description", meta->subject);
    nb_buf_str(&b, "  </rdf:Description>\n");
    nb_buf_str(&b,
               "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    sb_simple(&b, "pdf:Producer", producer);
    if (meta->keywords) sb_simple(&b, "pdf:Keywords", meta->keywords);
    nb_buf_str(&b, "  </rdf:Description>\n");
    nb_buf_str(&b,
               "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    if (meta->date != NB_PDF_NO_DATE) {
        sb_simple(&b, "xmp:CreateDate", xmp_date);
        sb_simple(&b, "xmp:ModifyDate", xmp_date);
        sb_simple(&b, "xmp:MetadataDate", xmp_date);
    }
    if (meta->creator) sb_simple(&b, "xmp:CreatorTool", meta->creator);
    nb_buf_str(&b, "  </rdf:Description>\n");
    nb_buf_str(
        &b, "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
            "   <pdfaid:part>1</pdfaid:part>\n"
            "   <pdfaid:conformance>B</pdfaid:conformance>\n"
            "  </rdf:Description>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>\n");
    /* Room for in-place edits, as the XMP spec recommends. */
    for (int i = 0; i < 8; i++)
        nb_buf_str(&b,
                   "                                                                               "
                   "     \n");
    nb_buf_str(&b, "<?xpacket end=\"w\"?>");
    if (b.oom) {
        nb_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* ---- attaching to the document ------------------------------------------------------- */

nb_code nb_pdfa_attach(nb_hpdf *h, const nb_pdf_meta *meta, const char *producer, nb_packer *pk,
                       HPDF_MD5_CTX *md5, nb_status *st)
{
    size_t xlen = 0, ilen = 0;
    char *xmp = nb_pdfa_xmp(meta, producer, &xlen);
    unsigned char *icc = nb_pdfa_icc_profile(&ilen);
    nb_code rc = NB_OK;
    if (!xmp || !icc) {
        rc = nb_fail(st, NB_ERR_NOMEM, "PDF/A: out of memory building XMP / ICC profile");
        goto done;
    }
    if (md5) {
        HPDF_MD5Update(md5, (const HPDF_BYTE *)xmp, (HPDF_UINT32)xlen);
        HPDF_MD5Update(md5, icc, (HPDF_UINT32)ilen);
    }

    /* The metadata stream is never compressed (ISO 19005-1 6.7.2: no /Filter). */
    HPDF_Dict catalog = nb_hpdf_catalog(h);
    HPDF_Dict meta_stream = nb_hpdf_stream_dict(h);
    if (!catalog || !meta_stream || HPDF_Dict_AddName(meta_stream, "Type", "Metadata") != HPDF_OK ||
        HPDF_Dict_AddName(meta_stream, "Subtype", "XML") != HPDF_OK ||
        HPDF_Dict_Add(catalog, "Metadata", meta_stream) != HPDF_OK) {
        rc = nb_hpdf_fail(h, st, "add the XMP metadata stream (PDF/A)");
        goto done;
    }
    rc = nb_hpdf_stream_take(h, meta_stream, (unsigned char *)xmp, xlen, false, "the XMP metadata",
                             st);
    xmp = NULL; /* h has it now */
    if (rc != NB_OK) goto done;

    HPDF_Dict icc_stream = nb_hpdf_stream_dict(h);
    if (!icc_stream || HPDF_Dict_AddNumber(icc_stream, "N", 3) != HPDF_OK ||
        HPDF_Dict_AddName(icc_stream, "Alternate", "DeviceRGB") != HPDF_OK) {
        rc = nb_hpdf_fail(h, st, "add the ICC profile stream (PDF/A)");
        goto done;
    }
    rc = nb_pdf_stream_put(pk, h, icc_stream, icc, ilen, "the ICC profile", st);
    if (rc != NB_OK) goto done;

    HPDF_Dict intent = nb_hpdf_dict(h, true);
    if (!intent || HPDF_Dict_AddName(intent, "Type", "OutputIntent") != HPDF_OK ||
        HPDF_Dict_AddName(intent, "S", "GTS_PDFA1") != HPDF_OK ||
        HPDF_Dict_Add(intent, "OutputConditionIdentifier", nb_hpdf_ascii(h, "sRGB")) != HPDF_OK ||
        HPDF_Dict_Add(intent, "Info", nb_hpdf_ascii(h, "sRGB-like display, gamma 2.2")) !=
            HPDF_OK ||
        HPDF_Dict_Add(intent, "DestOutputProfile", icc_stream) != HPDF_OK) {
        rc = nb_hpdf_fail(h, st, "add the OutputIntent (PDF/A)");
        goto done;
    }
    HPDF_Array intents = nb_hpdf_array(h);
    if (!intents || HPDF_Array_Add(intents, intent) != HPDF_OK ||
        HPDF_Dict_Add(catalog, "OutputIntents", intents) != HPDF_OK) {
        rc = nb_hpdf_fail(h, st, "add /OutputIntents (PDF/A)");
        goto done;
    }
done:
    free(xmp);
    free(icc);
    return rc;
}
