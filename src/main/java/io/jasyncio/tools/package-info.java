/**
 * The {@code ps} and {@code pstree} commands: {@code java -jar jasyncio.jar ps PID} prints every
 * event loop of a running JVM and its tasks, {@code pstree PID} who awaits whom, as asyncio 3.14's
 * {@code python -m asyncio ps/pstree}.
 *
 * <p>{@link io.jasyncio.tools.Main} attaches to the JVM with the JDK's Attach API ({@code jdk.attach},
 * an optional module: only this command needs it), starts its local management agent and reads the
 * {@code io.jasyncio:type=EventLoop,name=...} MBeans that each loop of the library registers when it
 * first runs. Depends on the JDK only (it reads those MBeans by name, through JMX).
 */
package io.jasyncio.tools;
