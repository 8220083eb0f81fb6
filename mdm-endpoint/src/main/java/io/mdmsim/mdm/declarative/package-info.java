/**
 * Declarative device management: {@code DeclarationStore} holds the declarations offered to every device, their
 * tokens and manifest.
 *
 * <p>May use {@code store}, {@code model} and simulator-core.
 */
package io.mdmsim.mdm.declarative;
