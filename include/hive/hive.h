/*
 * hive.h - libhive's base API: version, the print callback every library
 * message goes through, and hive's own error codes.
 *
 * Conventions for the whole library:
 *  - Functions return 0 or a positive value on success and a negative errno
 *    on failure (-EINVAL, -ENOMEM, ...). hive's own codes start at 4000
 *    (HIVE_E*) and hive_strerror() knows their messages. Functions returning
 *    pointers return NULL and set errno.
 *  - The library never prints or exits on its own: messages go through the
 *    callback set with hive_set_print() (stderr by default, WARN and up).
 *  - Destroy/close functions accept NULL.
 */
#ifndef HIVE_HIVE_H
#define HIVE_HIVE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HIVE_API __attribute__((visibility("default")))

#define HIVE_VERSION_MAJOR 0
#define HIVE_VERSION_MINOR 1
#define HIVE_VERSION_PATCH 0
#define HIVE_VERSION_STRING "0.1.0"

/** @brief Version string of the linked library ("MAJOR.MINOR.PATCH"). */
HIVE_API const char *hive_version(void);

/*
 * hive's own error codes: one table generates the enum and the messages.
 * X(NAME, VALUE, MESSAGE)
 */
#define HIVE_ERRORS(X)                                                              \
	X(HIVE_EINSN,     4000, "Malformed instruction")                               \
	X(HIVE_EHELPER,   4001, "Call to an unknown or unregistered helper")          \
	X(HIVE_EMEM,      4002, "Memory access outside the granted regions")          \
	X(HIVE_EBUDGET,   4003, "Instruction budget exhausted")                       \
	X(HIVE_EDEPTH,    4004, "Call depth limit exceeded")                          \
	X(HIVE_ENOPROG,   4005, "No program loaded")                                  \
	X(HIVE_EPARSE,    4006, "Syntax error")                                       \
	X(HIVE_ENOJIT,    4007, "JIT not available on this host")                     \
	X(HIVE_EFORMAT,   4008, "Malformed object file")                              \
	X(HIVE_ERELOC,    4009, "Relocation failed")                                  \
	X(HIVE_EVERIFY,   4010, "Program rejected by the verifier")                   \
	X(HIVE_EBTF,      4011, "Malformed BTF")                                      \
	X(HIVE_ETAILCALL, 4012, "Tail call failed")

enum hive_error {
#define HIVE_ERR_ENUM(name, value, msg) name = value,
	HIVE_ERRORS(HIVE_ERR_ENUM)
#undef HIVE_ERR_ENUM
};

/**
 * @brief Message for an error code.
 * @param err an errno value or a HIVE_E* code, either sign.
 * @return a static string; never NULL.
 */
HIVE_API const char *hive_strerror(int err);

/** Message levels of the print callback. */
enum hive_print_level {
	HIVE_WARN,
	HIVE_INFO,
	HIVE_DEBUG,
};

typedef int (*hive_print_fn)(enum hive_print_level level, const char *fmt, va_list ap);

/**
 * @brief Route library messages through @p fn (NULL silences them).
 * @return the previous callback.
 * The default prints WARN and INFO to stderr, and DEBUG when HIVE_DEBUG is set
 * in the environment.
 */
HIVE_API hive_print_fn hive_set_print(hive_print_fn fn);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_HIVE_H */
