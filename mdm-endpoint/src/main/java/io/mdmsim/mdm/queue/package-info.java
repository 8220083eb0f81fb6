/**
 * The commands of one enrollment: {@code CommandQueue} in queue order with its whole history, the life of each
 * command ({@code CommandState}) and its snapshot for the admin API ({@code CommandView}).
 *
 * <p>May use {@code store}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.queue;
