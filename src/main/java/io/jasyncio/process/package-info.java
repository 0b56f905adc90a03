/**
 * Child processes and pipes on the event loop, as asyncio's: {@link io.jasyncio.process.Subprocess}
 * (asyncio's {@code create_subprocess_exec} / {@code create_subprocess_shell} and {@code Process}),
 * and the callback style underneath, {@link io.jasyncio.process.SubprocessProtocol} and {@link
 * io.jasyncio.process.SubprocessTransport}, made by {@code loop.subprocessExec} /
 * {@code loop.subprocessShell}.
 *
 * <p>A child's pipes are not selectable in Java: each is pumped by a helper thread that hands its
 * bytes to the loop and stops reading while the loop side is paused, so flow control holds end to
 * end and the loop thread never blocks on a pipe. Depends on the core and {@code io.jasyncio.net}.
 */
package io.jasyncio.process;
