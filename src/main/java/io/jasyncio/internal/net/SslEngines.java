package io.jasyncio.internal.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a TLS connection asks of its {@link SSLEngine} beyond the handshake itself: the caller's
 * {@link SSLParameters} checked against the context and applied, and the session described for
 * {@code getExtraInfo}. {@link SslProtocol} keeps the engine; this holds the rules.
 */
final class SslEngines {
    /** Nothing to wrap (read only, so one serves every engine). */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private SslEngines() {
    }

    /**
     * Fails at the call, before any socket is touched, if {@code params} cannot configure an engine
     * of {@code context}: a protocol or cipher suite the context does not support, or an empty list
     * of either, or an ALPN protocol name too long for the handshake (which would only fail each
     * handshake later).
     *
     * @param context the TLS context, or null for a plain connection
     * @param params the caller's parameters, or null
     * @param serverSide whether the engines will be servers
     * @throws IllegalArgumentException if the parameters are given without a context, or do not fit it
     */
    static void checkFits(SSLContext context, SSLParameters params, boolean serverSide) {
        if (params == null) return;
        if (context == null) {
            throw new IllegalArgumentException("sslParameters are only meaningful with ssl: set an SSLContext too, or drop them");
        }
        if (params.getProtocols() != null && params.getProtocols().length == 0) {
            throw new IllegalArgumentException("sslParameters enable no protocol: name at least one (e.g. \"TLSv1.3\"),"
                    + " or leave the protocols unset for the context's defaults");
        }
        if (params.getCipherSuites() != null && params.getCipherSuites().length == 0) {
            throw new IllegalArgumentException("sslParameters enable no cipher suite: name at least one, or leave them unset"
                    + " for the context's defaults");
        }
        for (String name : params.getApplicationProtocols()) {   // SSLParameters itself refuses null and empty names
            if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("sslParameters name an ALPN protocol of more than 255 bytes (RFC 7301"
                        + " 3.1), starting \"" + name.substring(0, 20) + "...\": use a registered name such as \"h2\"");
            }
        }
        SSLEngine probe = context.createSSLEngine();
        try {
            probe.setUseClientMode(!serverSide);
            probe.setSSLParameters(params);
        } catch (IllegalArgumentException e) {
            // the probe's word, not context.getSupportedSSLParameters(): Conscrypt's makes an engine and never closes it
            throw new IllegalArgumentException("sslParameters do not fit the " + context.getProtocol() + " context: "
                    + e.getMessage() + "; it supports the protocols " + Arrays.toString(probe.getSupportedProtocols())
                    + " (cipher suites: context.getSupportedSSLParameters().getCipherSuites())", e);
        } finally {
            release(probe);
        }
    }

    /**
     * Closes both directions of {@code engine}, whose connection is over: a native engine
     * (Conscrypt, netty-tcnative) frees its native state, descriptors included, only then, not when
     * collected; the JDK's holds none and loses nothing. No-op on an engine closed both ways
     * already (a connection that ended with both close_notify messages). Must not run while a
     * delegated task of the engine does.
     *
     * @param engine the engine of a connection that is over
     */
    static void release(SSLEngine engine) {
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
            // the close_notify it now holds must be wrapped before the engine counts as closed; it
            // goes nowhere (the connection is over), which is also why a failure here is ignored
            ByteBuffer discard = null;
            try {
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    if (discard == null) discard = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                    discard.clear();
                    if (engine.wrap(EMPTY, discard).bytesProduced() == 0) break;
                }
            } catch (SSLException | RuntimeException broken) {
                // a failed engine has nothing left to say
            }
        }
        if (engine.isInboundDone()) return;
        try {
            engine.closeInbound();
        } catch (SSLException noCloseNotify) {
            // the peer's close_notify never came: the engine is closed all the same
        }
    }

    /**
     * Applies the caller's {@code params} to {@code engine}, already set up with the server name's
     * checks: every setting of {@code params} wins, except an unset (null) endpoint identification
     * algorithm, which keeps the engine's; unset server names keep the engine's anyway ({@link
     * SSLEngine#setSSLParameters}). {@code params} is read, not kept or changed.
     *
     * @param engine the connection's engine, its mode and server name set
     * @param params the caller's parameters
     */
    static void apply(SSLEngine engine, SSLParameters params) {
        String identification = engine.getSSLParameters().getEndpointIdentificationAlgorithm();
        engine.setSSLParameters(params);
        if (params.getEndpointIdentificationAlgorithm() == null && identification != null) {
            SSLParameters merged = engine.getSSLParameters();
            merged.setEndpointIdentificationAlgorithm(identification);
            engine.setSSLParameters(merged);
        }
    }

    /**
     * The {@code getExtraInfo} keys of a TLS transport after its handshake, asyncio's and two more.
     * "ssl_object" is the {@link SSLEngine} (Python's {@code SSLObject}: its session, its
     * negotiated application protocol), "peercert" the peer's chain as {@code X509Certificate[]},
     * leaf first, or null when the peer sent none; "cipher" a {@code List<String>} of the suite and
     * the protocol (asyncio's tuple without the secret bits); "alpn_protocol" the negotiated ALPN
     * protocol or null; "ssl_protocol" the protocol alone; "compression" null (TLS 1.3 has none).
     *
     * @param context the connection's context
     * @param engine the connection's engine, its handshake done
     * @return a new map of the keys
     */
    static Map<String, Object> extras(SSLContext context, SSLEngine engine) {
        Map<String, Object> m = new HashMap<>();
        SSLSession session = engine.getSession();
        m.put("sslcontext", context);
        m.put("ssl_object", engine);
        m.put("cipher", List.of(session.getCipherSuite(), session.getProtocol()));
        m.put("ssl_protocol", session.getProtocol());
        m.put("compression", null);
        String alpn = engine.getApplicationProtocol();
        m.put("alpn_protocol", alpn == null || alpn.isEmpty() ? null : alpn);
        // a server that asked for no client certificate has none: asking would throw (and fill a stack trace) per handshake
        boolean mayHavePeer = engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth();
        m.put("peercert", mayHavePeer ? peerCertificates(session) : null);
        return m;
    }

    private static X509Certificate[] peerCertificates(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain == null || chain.length == 0) return null;
        // TLS certificates are X.509 (RFC 8446 4.4.2 allows raw public keys only when negotiated, which the JDK does not)
        return Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }
}
