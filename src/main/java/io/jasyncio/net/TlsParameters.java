package io.jasyncio.net;

import javax.net.ssl.SSLParameters;

/**
 * Copies of {@link SSLParameters}, which is mutable and has no copy of its own: the option records
 * keep a copy of what they are given and hand out copies, so that changing a caller's object after
 * the fact changes no connection, and each connection may adjust its own copy.
 */
final class TlsParameters {

    private TlsParameters() {
    }

    /**
     * A copy of every setting of {@code p} (those of JDK 25), or null for null.
     *
     * @param p the parameters to copy, or null
     * @return a new object with the same settings, or null
     */
    static SSLParameters copy(SSLParameters p) {
        if (p == null) return null;
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        // each of the two setters clears the other: set the one that is on
        if (p.getNeedClientAuth()) c.setNeedClientAuth(true);
        else c.setWantClientAuth(p.getWantClientAuth());
        c.setAlgorithmConstraints(p.getAlgorithmConstraints());
        c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        c.setServerNames(p.getServerNames());
        c.setSNIMatchers(p.getSNIMatchers());
        c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        c.setEnableRetransmissions(p.getEnableRetransmissions());
        c.setMaximumPacketSize(p.getMaximumPacketSize());
        c.setApplicationProtocols(p.getApplicationProtocols());
        c.setSignatureSchemes(p.getSignatureSchemes());
        c.setNamedGroups(p.getNamedGroups());
        return c;
    }
}
