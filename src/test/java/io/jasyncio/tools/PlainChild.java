package io.jasyncio.tools;

/** A JVM without any jasyncio loop, for {@link PsTest}: prints "ready", exits when stdin closes. */
public final class PlainChild {
    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
}
