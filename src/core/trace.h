/*
 * trace.h - the shared trace log that bpf_trace_printk writes (trace.c).
 *
 * One file per hive filesystem (<state>/trace), appended by every process
 * that runs programs and consumed line by line by readers
 * (hive_tracelog_read, `hive prog tracelog`), like the kernel's
 * /sys/kernel/tracing/trace_pipe.
 */
#ifndef HIVE_CORE_TRACE_H
#define HIVE_CORE_TRACE_H

/*
 * Append one bpf_trace_printk event with @text (one trailing newline is
 * dropped), formatted as a trace_pipe line of the calling thread. Errors
 * (no state directory, disk full) drop the line with a debug message: a
 * program never fails because of its trace output.
 */
void trace_log_printk(const char *text);

#endif /* HIVE_CORE_TRACE_H */
