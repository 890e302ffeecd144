/* i18n.h — the command's own messages in the user's language.
 *
 * Every message the command prints for a person (usage errors, file errors, summaries) is
 * written as _("English text") so that the gettext tools find it; _() returns the text in
 * the language of the user's locale where a catalogue has it.  Messages of the library come
 * translated from the library itself (nianbao_options.language); the checker's findings
 * are Chinese in every locale.
 */
#ifndef NB_CLI_I18N_H
#define NB_CLI_I18N_H

#include <libintl.h>

/* The catalogue is bound by cli_init_locale() (files.h), first thing in each main(). */
#define _(s) gettext(s)
/* Marks a string for the catalogue where it is not translated on the spot. */
#define N_(s) (s)

#endif
