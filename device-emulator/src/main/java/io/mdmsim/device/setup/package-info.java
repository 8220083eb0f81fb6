/**
 * The Setup Assistant around enrollment: {@code SetupAssistant} (the panes, in order, and what skips them), {@code
 * WebView} (modern authentication) and {@code CompanyPortal} (the app that signs the user in and ends Single App
 * Mode).
 *
 * <p>May use {@code managed}, {@code runtime}, {@code net}, {@code model}, the API package and simulator-core.
 */
package io.mdmsim.device.setup;
