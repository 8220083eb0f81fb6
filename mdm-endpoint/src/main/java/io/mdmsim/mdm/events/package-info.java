/**
 * What happened on the server, in order: {@code EventLog} (every check-in, report, enrollment, SCEP exchange,
 * queued command and push as one numbered event, read by {@code GET /admin/events}) and {@code Webhook} (each event
 * POSTed to a URL, from one thread that reads the log).
 *
 * <p>May use simulator-core only.
 */
package io.mdmsim.mdm.events;
