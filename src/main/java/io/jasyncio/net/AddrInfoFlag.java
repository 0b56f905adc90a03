package io.jasyncio.net;

/**
 * The flags of {@code loop.getaddrinfo} that Java's resolver can honour: asyncio's {@code
 * socket.AI_*} constants, given as {@code getaddrinfo(host, port, family, AI_PASSIVE)} instead of
 * or-ed bits.
 *
 * <p>Differences from asyncio: {@code AI_CANONNAME} (Java gives no canonical name with the
 * addresses), {@code AI_ADDRCONFIG}, {@code AI_V4MAPPED} and {@code AI_ALL} (Java's resolver takes
 * no hints and an {@link java.net.Inet6Address} cannot hold a mapped IPv4 address) and {@code
 * AI_NUMERICSERV} (the port is a number already) have no counterpart.
 */
public enum AddrInfoFlag {
    /**
     * With no host, the wildcard addresses ({@code 0.0.0.0} and {@code ::}), to bind a server on
     * every interface, instead of the loopback ones: asyncio's {@code AI_PASSIVE}. With a host, no effect.
     */
    AI_PASSIVE,

    /**
     * The host must be an address literal ({@code "127.0.0.1"}, {@code "::1"}); a name is not looked
     * up but fails as unknown: asyncio's {@code AI_NUMERICHOST}.
     */
    AI_NUMERICHOST
}
