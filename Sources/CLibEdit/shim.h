#ifndef BF_CLIBEDIT_SHIM_H
#define BF_CLIBEDIT_SHIM_H

/*
 * Swift cannot call C variadic functions (libedit's el_set, el_get and history all are) and
 * Swift 6 rejects touching mutable C globals such as stdin/stdout. Each wrapper below fixes
 * one operation's argument list so the REPL can call it as an ordinary function.
 */

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <histedit.h>

typedef char *(*bf_prompt_function)(EditLine *);
typedef unsigned char (*bf_editor_function)(EditLine *, int);
typedef int (*bf_read_character_function)(EditLine *, wchar_t *);

static inline FILE *bf_stdin(void) { return stdin; }
static inline FILE *bf_stdout(void) { return stdout; }
static inline FILE *bf_stderr(void) { return stderr; }

/* Prompt function plus the character that brackets invisible (escape) sequences in it. */
static inline int bf_el_set_prompt(EditLine *el, bf_prompt_function prompt, char ignore) {
    return el_set(el, EL_PROMPT_ESC, prompt, ignore);
}

static inline int bf_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

/* Whether libedit installs its own signal handlers (the REPL installs its own and passes 0). */
static inline int bf_el_set_signal(EditLine *el, int handle_signals) {
    return el_set(el, EL_SIGNAL, handle_signals);
}

static inline int bf_el_addfn(EditLine *el, const char *name, const char *help, bf_editor_function function) {
    return el_set(el, EL_ADDFN, name, help, function);
}

static inline int bf_el_bind(EditLine *el, const char *key, const char *function_name) {
    return el_set(el, EL_BIND, key, function_name, (const char *)NULL);
}

static inline int bf_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *bf_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) {
        return NULL;
    }
    return data;
}

static inline int bf_el_set_getcfn(EditLine *el, bf_read_character_function read_character) {
    return el_set(el, EL_GETCFN, read_character);
}

static inline int bf_el_set_history(EditLine *el, History *history_state) {
    return el_set(el, EL_HIST, history, history_state);
}

/* Puts the terminal in libedit's editing mode (raw = 1) or back in its normal mode (raw = 0). */
static inline int bf_el_prepare_terminal(EditLine *el, int raw) {
    return el_set(el, EL_PREP_TERM, raw);
}

/* Redraws the prompt and the line from scratch (after the terminal changed size or was resumed). */
static inline int bf_el_refresh(EditLine *el) {
    return el_set(el, EL_REFRESH);
}

/* Whether libedit is editing (1) or, because input is not a terminal, only reading lines (0). */
static inline int bf_el_get_editmode(EditLine *el) {
    int mode = 0;
    if (el_get(el, EL_EDITMODE, &mode) != 0) {
        return 0;
    }
    return mode;
}

static inline int bf_history_setsize(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}

static inline int bf_history_setunique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}

static inline int bf_history_enter(History *h, const char *entry) {
    HistEvent event;
    return history(h, &event, H_ENTER, entry);
}

/* Returns the number of entries read, or -1 when the file cannot be read. */
static inline int bf_history_load(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_LOAD, path);
}

/* Returns the number of entries written, or -1 when the file cannot be written. */
static inline int bf_history_save(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_SAVE, path);
}

/* The oldest entry, or NULL when the history is empty; walk to newer ones with bf_history_newer. */
static inline const char *bf_history_oldest(History *h) {
    HistEvent event;
    if (history(h, &event, H_LAST) == -1) {
        return NULL;
    }
    return event.str;
}

static inline const char *bf_history_newer(History *h) {
    HistEvent event;
    if (history(h, &event, H_PREV) == -1) {
        return NULL;
    }
    return event.str;
}

/* Columns of the terminal on fd, or 0 when fd is not a terminal. */
static inline int bf_terminal_columns(int fd) {
    struct winsize size;
    memset(&size, 0, sizeof size);
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) {
        return 0;
    }
    return size.ws_col;
}

#endif
