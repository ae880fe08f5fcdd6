/* report_write.c - fuzz target: the report writer on two hostile profiles.
 *
 * The input is two profiles (JSON) separated by a NUL byte (no NUL: the
 * same profile twice).  When both read, the report is written in memory as
 * Markdown, HTML and JUnit, and then again against the baseline it wrote.
 * Oracles:
 *   - the JUnit XML is well-formed (libxml2, no recovery) and holds only
 *     the JUnit elements and attributes;
 *   - the HTML parses with libxml2's HTML parser without an error, and holds
 *     only the elements and attributes the writer makes (one script): profile
 *     text never becomes markup (an <img>, an onmouseover=, a </td>);
 *   - no output holds a control character but TAB and LF, or a byte that is
 *     not UTF-8 (the profile's \u0001, \uffff and the like are made visible);
 *   - a run against its own baseline has no new row, and a profile against
 *     itself as its reference (--against) no changed row.
 * Whatever the reader refuses is not the writer's business. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_read.h"
#include "report.h"
#include "text.h"

static void die(const char *why, const char *what)
{
	fprintf(stderr, "report_write: %s\n", why);
	if (what)
		fprintf(stderr, "--- the output:\n%s\n", what);
	abort();
}

static int errors;

/* libxml2's errors counted, never printed; a warning is not an error */
static void count_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	if (e && e->level >= XML_ERR_ERROR)
		errors++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetStructuredErrorFunc(NULL, count_error);
	return 0;
}

static int in_list(const xmlChar *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp((const char *)name, *list))
			return 1;
	return 0;
}

static const char *const HTML_ELEMENTS[] = {
	"html", "head", "meta", "title", "style", "body", "h1", "h2", "table", "tr", "th",
	"td", "pre", "p", "select", "option", "label", "input", "script", "ul", "li", "span",
	"b", NULL };
static const char *const HTML_ATTRS[] = {
	"charset", "class", "id", "data-area", "data-status", "data-diff", "onchange",
	"value", "type", "name", "content", NULL };
static const char *const XML_ELEMENTS[] = {
	"testsuites", "testsuite", "testcase", "failure", "skipped", "error", NULL };
static const char *const XML_ATTRS[] = {
	"name", "tests", "failures", "errors", "skipped", "classname", "time", "message", NULL };

/* every element and attribute one the writer makes; the number of scripts */
static void walk(xmlNode *n, const char *const *elements, const char *const *attrs,
		 int *scripts, const char *doc)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!in_list(n->name, elements))
			die("an element the writer does not make: profile text became markup", doc);
		*scripts += !strcmp((const char *)n->name, "script");
		for (xmlAttr *a = n->properties; a; a = a->next)
			if (!in_list(a->name, attrs))
				die("an attribute the writer does not make: profile text left its quotes",
				    doc);
		walk(n->children, elements, attrs, scripts, doc);
	}
}

/* only TAB, LF and printable UTF-8 */
static void plain_text(const char *s, const char *what)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), k;
	for (size_t i = 0; i < n; i += k)
		if (!(k = tx_xml_char(u + i, n - i)))
			die(what, s);
}

static void check_xml(const char *xml)
{
	errors = 0;
	xmlDoc *d = xmlReadMemory(xml, (int)strlen(xml), "report.xml", "UTF-8",
				  XML_PARSE_NONET | XML_PARSE_NOWARNING);
	if (!d || errors)
		die("report.xml is not well-formed XML", xml);
	xmlNode *root = xmlDocGetRootElement(d);
	int scripts = 0;
	if (!root || strcmp((const char *)root->name, "testsuites"))
		die("report.xml's root is not testsuites", xml);
	walk(root, XML_ELEMENTS, XML_ATTRS, &scripts, xml);
	xmlFreeDoc(d);
}

static void check_html(const char *html)
{
	errors = 0;
	htmlDocPtr d = htmlReadMemory(html, (int)strlen(html), "report.html", "UTF-8",
				      HTML_PARSE_NONET | HTML_PARSE_NOWARNING);
	if (!d)
		die("report.html does not parse", html);
	if (errors)
		die("libxml2's HTML parser reports an error in report.html", html);
	int scripts = 0;
	walk(xmlDocGetRootElement(d), HTML_ELEMENTS, HTML_ATTRS, &scripts, html);
	if (scripts != 1)
		die("report.html does not hold exactly one script", html);
	xmlFreeDoc(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_profile a, b;
	struct report_result r, again;
	char err[256];
	const char *text = (const char *)data, *nul = memchr(data, 0, size);
	size_t na = nul ? (size_t)(nul - text) : size;
	const char *tb = nul ? nul + 1 : text;
	size_t nb = nul ? size - na - 1 : size;

	if (size > 1 << 17)
		return 0;
	if (sc_profile_read(text, na, &a, err, sizeof err) < 0)
		return 0;
	if (sc_profile_read(tb, nb, &b, err, sizeof err) < 0) {
		sc_profile_free(&a);
		return 0;
	}
	/* one name with markup in it: names are escaped as well */
	struct report_kernel k[2] = { { "old", &a }, { "new<&\"'>", &b } };
	if (report_make(k, 2, NULL, NULL, NULL, 0, &r) < 0)
		die("the report cannot be written", NULL);
	plain_text(r.md, "report.md holds a control character or a byte that is not UTF-8");
	plain_text(r.html, "report.html holds a control character or a byte that is not UTF-8");
	plain_text(r.xml, "report.xml holds a control character or a byte that is not UTF-8");
	check_xml(r.xml);
	check_html(r.html);
	if (report_failed(&r) != (r.nfailed || r.nkerrors))
		die("the verdict does not follow the failed cases and kernel errors", r.md);
	/* against its own baseline, and the first kernel against itself as
	 * its reference (a saved profile of the same run) */
	struct report_ref self = { 0, "self<&\"'>", &a };
	if (report_make(k, 2, r.baseline, "base<>", &self, 1, &again) < 0)
		die("the report against its own baseline cannot be written", NULL);
	if (again.nnew)
		die("a run against its own baseline has new rows", again.md);
	if (again.nchanged)
		die("a profile against itself as its reference has changed rows", again.md);
	plain_text(again.md, "report.md holds a control character or a byte that is not UTF-8");
	check_xml(again.xml);
	check_html(again.html);
	report_result_free(&again);
	report_result_free(&r);
	sc_profile_free(&a);
	sc_profile_free(&b);
	return 0;
}
