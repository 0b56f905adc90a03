import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The public-key and symmetric pieces of a server's full TLS 1.3 handshake, timed one by one in the
 * JDK's providers, in this thread's CPU time
 * (so a busy machine slows the figures less than wall time): what bench/tls/README.md's breakdown
 * compares with {@code openssl speed ecdhx25519 ecdhp256 ecdsap256}. Each piece runs warm-up rounds
 * (so that C2 is done) before the measured ones.
 * taskset -c 0 java -cp target/bench-tls/classes HandshakePieces [MEASURED_SECONDS_PER_PIECE=2]
 * (built by bin/bench-tls)
 */
public class HandshakePieces {
    interface Piece {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        SecureRandom random = new SecureRandom();
        KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
        KeyPair peerX = x25519.generateKeyPair();
        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair peerP = p256.generateKeyPair();
        KeyPair certKey = p256.generateKeyPair();
        byte[] toSign = new byte[130];   // CertificateVerify signs 64 spaces, a context string, the transcript hash
        random.nextBytes(toSign);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] label = new byte[40];
        SecretKeySpec aesKey = new SecretKeySpec(new byte[16], "AES");
        byte[] record = new byte[600];   // about the size of EncryptedExtensions + Certificate + CertificateVerify + Finished
        byte[] nonce = new byte[12];
        List<Object[]> pieces = List.of(
                new Object[] {"X25519 keygen + agreement (the server's key share)", (Piece) () -> {
                    KeyPair kp = x25519.generateKeyPair();
                    KeyAgreement ka = KeyAgreement.getInstance("X25519");
                    ka.init(kp.getPrivate());
                    ka.doPhase(peerX.getPublic(), true);
                    ka.generateSecret();
                }},
                new Object[] {"P-256 ECDHE keygen + agreement (--group P-256)", (Piece) () -> {
                    KeyPair kp = p256.generateKeyPair();
                    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
                    ka.init(kp.getPrivate());
                    ka.doPhase(peerP.getPublic(), true);
                    ka.generateSecret();
                }},
                new Object[] {"ECDSA P-256 sign, SHA-256 (CertificateVerify)", (Piece) () -> {
                    Signature s = Signature.getInstance("SHA256withECDSA");
                    s.initSign(certKey.getPrivate());
                    s.update(toSign);
                    s.sign();
                }},
                new Object[] {"HMAC-SHA256, one (HKDF: ~20 per handshake)", (Piece) () -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                    mac.update(label);
                    mac.doFinal();
                }},
                new Object[] {"AES-128-GCM, one 600-byte record (init + encrypt)", (Piece) () -> {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    nonce[0]++;
                    c.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
                    c.doFinal(record);
                }});
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%s, %s%n", System.getProperty("java.vm.version"), x25519.getProvider());
        for (Object[] p : pieces) {
            Piece piece = (Piece) p[1];
            for (long end = threads.getCurrentThreadCpuTime() + (long) (seconds * 1e9); threads.getCurrentThreadCpuTime() < end; ) {
                for (int i = 0; i < 100; i++) piece.run();   // warm-up: as long as the measured rounds
            }
            long n = 0;
            long start = threads.getCurrentThreadCpuTime();
            long now;
            do {
                for (int i = 0; i < 100; i++) piece.run();
                n += 100;
                now = threads.getCurrentThreadCpuTime();
            } while (now - start < seconds * 1e9);
            double us = (now - start) / 1e3 / n;
            System.out.printf("%-52s %9.1f us   %9.0f /s%n", p[0], us, 1e6 / us);
        }
    }
}
