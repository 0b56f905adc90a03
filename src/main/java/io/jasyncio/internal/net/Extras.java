package io.jasyncio.internal.net;

import java.io.IOException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/** The {@code getExtraInfo} map of a transport: what asyncio's transports record at creation. */
final class Extras {

    private Extras() {
    }

    static Map<String, Object> forSocket(NetworkChannel channel, Map<String, Object> given) {
        Map<String, Object> extra = new HashMap<>();
        if (given != null) extra.putAll(given);
        extra.put("socket", channel);
        try {
            extra.put("sockname", channel.getLocalAddress());
        } catch (IOException e) {
            extra.put("sockname", null);
        }
        if (!extra.containsKey("peername") && channel instanceof SocketChannel sc) {
            try {
                extra.put("peername", sc.getRemoteAddress());
            } catch (IOException e) {
                extra.put("peername", null);
            }
        }
        return extra;
    }
}
