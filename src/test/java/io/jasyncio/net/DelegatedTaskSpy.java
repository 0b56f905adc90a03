package io.jasyncio.net;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSLContext whose engines note the thread each delegated task ran on, and which keeps every
 * engine it made (whether each was closed, as a native engine needs); the rest is the real context's.
 */
final class DelegatedTaskSpy {
    /** The thread of each delegated task that ran, in order; any thread. */
    final List<Thread> ranOn = new CopyOnWriteArrayList<>();
    /** Every engine made, in order; any thread. */
    final List<SSLEngine> engines = new CopyOnWriteArrayList<>();
    final SSLContext context;

    DelegatedTaskSpy(SSLContext real) {
        this.context = new SSLContext(new Spi(real), real.getProvider(), real.getProtocol()) { };
    }

    private final class Spi extends SSLContextSpi {
        private final SSLContext real;

        Spi(SSLContext real) {
            this.real = real;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("the spy wraps an initialized context");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return kept(new Engine(real.createSSLEngine()));
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return kept(new Engine(real.createSSLEngine(host, port)));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }
    }

    private SSLEngine kept(SSLEngine engine) {
        engines.add(engine);
        return engine;
    }

    /** Each engine made: "closed" if closed both ways (inbound and outbound done), else "open". */
    List<String> engineStates() {
        return engines.stream().map(e -> e.isInboundDone() && e.isOutboundDone() ? "closed" : "open").toList();
    }

    private final class Engine extends SSLEngine {
        private final SSLEngine e;

        Engine(SSLEngine e) {
            super(e.getPeerHost(), e.getPeerPort());
            this.e = e;
        }

        @Override
        public Runnable getDelegatedTask() {
            Runnable task = e.getDelegatedTask();
            if (task == null) return null;
            return () -> {
                ranOn.add(Thread.currentThread());
                task.run();
            };
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return e.wrap(srcs, offset, length, dst);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return e.unwrap(src, dsts, offset, length);
        }

        @Override public void closeInbound() throws SSLException { e.closeInbound(); }
        @Override public boolean isInboundDone() { return e.isInboundDone(); }
        @Override public void closeOutbound() { e.closeOutbound(); }
        @Override public boolean isOutboundDone() { return e.isOutboundDone(); }
        @Override public String[] getSupportedCipherSuites() { return e.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return e.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] suites) { e.setEnabledCipherSuites(suites); }
        @Override public String[] getSupportedProtocols() { return e.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return e.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] protocols) { e.setEnabledProtocols(protocols); }
        @Override public SSLSession getSession() { return e.getSession(); }
        @Override public SSLSession getHandshakeSession() { return e.getHandshakeSession(); }
        @Override public void beginHandshake() throws SSLException { e.beginHandshake(); }
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return e.getHandshakeStatus(); }
        @Override public void setUseClientMode(boolean mode) { e.setUseClientMode(mode); }
        @Override public boolean getUseClientMode() { return e.getUseClientMode(); }
        @Override public void setNeedClientAuth(boolean need) { e.setNeedClientAuth(need); }
        @Override public boolean getNeedClientAuth() { return e.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean want) { e.setWantClientAuth(want); }
        @Override public boolean getWantClientAuth() { return e.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean flag) { e.setEnableSessionCreation(flag); }
        @Override public boolean getEnableSessionCreation() { return e.getEnableSessionCreation(); }
        @Override public SSLParameters getSSLParameters() { return e.getSSLParameters(); }
        @Override public void setSSLParameters(SSLParameters params) { e.setSSLParameters(params); }
        @Override public String getApplicationProtocol() { return e.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return e.getHandshakeApplicationProtocol(); }
    }
}
