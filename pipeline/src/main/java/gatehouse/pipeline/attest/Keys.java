package gatehouse.pipeline.attest;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Key files and key ids: generates Ed25519 and ECDSA P-256 key pairs, writes and reads PEM (PKCS#8
 * {@code PRIVATE KEY}, X.509 SubjectPublicKeyInfo {@code PUBLIC KEY}, and for verification an X.509
 * {@code CERTIFICATE}), and loads the signing key from the environment.
 *
 * <p>Every failure is an {@link InputException} (code {@code attest_key_error}) with one line saying what is wrong
 * and a hint saying how to fix it; no message ever holds key material, and the exception carries no JDK cause
 * (whose message might). Encrypted keys, SEC1 {@code EC PRIVATE KEY}, RSA, Ed448, other curves and OpenSSH keys are
 * refused by name.
 *
 * <p>The key id is the lowercase hex SHA-256 of the public key's DER SubjectPublicKeyInfo, the same bytes as
 * {@code openssl pkey -pubin -outform DER}, so anyone can recompute it.
 */
public final class Keys {
    /** Environment variable holding the signing key's PEM text. */
    public static final String ENV_KEY = "GATEHOUSE_SIGNING_KEY";
    /** Environment variable holding the path of the signing key's PEM file. */
    public static final String ENV_KEY_FILE = "GATEHOUSE_SIGNING_KEY_FILE";

    private static final String CODE = "attest_key_error";
    private static final Pattern BEGIN = Pattern.compile("^-----BEGIN ([A-Z0-9 ]+)-----\\s*$");
    private static final List<String> KEY_LABELS = List.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY",
            "RSA PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE");

    private Keys() {}

    /** Where a key came from: a file (errors point at it) or an environment variable. */
    private record Origin(String name, boolean file) {
        InputException error(int line, String message, String hint) {
            if (file) {
                return new InputException(Diagnostic.of(CODE, SourceSpan.at(name, line, 1), message, hint));
            }
            return new InputException(Diagnostic.of(CODE, null, "$" + name + ": " + message, hint));
        }
    }

    /** A PEM block: its label, the line of its BEGIN marker (1-based) and its decoded content. */
    private record Block(String label, int line, byte[] der, boolean procTypeEncrypted) {}

    /** Generates a key pair of the given type with the JDK's strong random source. */
    public static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type.keyAlgorithm);
            if (type == KeyType.ECDSA_P256) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g.initialize(NamedParameterSpec.ED25519);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + type.id() + " keys", e);
        }
    }

    /** PKCS#8 {@code PRIVATE KEY} PEM of a private key (64-column base64, LF line ends). */
    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** X.509 SubjectPublicKeyInfo {@code PUBLIC KEY} PEM of a public key. */
    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /** Hex SHA-256 of the public key's DER SubjectPublicKeyInfo. */
    public static String keyid(PublicKey key) {
        return Digests.sha256(key.getEncoded());
    }

    /** The first 12 hex digits of a key id, for messages. */
    public static String shortId(String keyid) {
        return keyid.length() <= 12 ? keyid : keyid.substring(0, 12);
    }

    /** A signer from a PKCS#8 PEM private key file. */
    public static Signer signer(Path file) {
        Origin o = new Origin(file.toString(), true);
        return signer(read(file, o, "private"), o);
    }

    /** A signer from PKCS#8 PEM text; {@code sourceName} names it in messages (an environment variable). */
    public static Signer signerFromPem(String pem, String sourceName) {
        return signer(pem, new Origin(sourceName, false));
    }

    /**
     * The signing key named by the environment: {@value #ENV_KEY_FILE} (a path; relative to {@code baseDir}) or
     * {@value #ENV_KEY} (the PEM itself). Setting both is an error, since it is unclear which one is meant.
     *
     * @return empty when neither is set
     */
    public static Optional<Signer> signerFromEnvironment(Map<String, String> env, Path baseDir) {
        String file = blankToNull(env.get(ENV_KEY_FILE));
        String pem = blankToNull(env.get(ENV_KEY));
        if (file != null && pem != null) {
            throw new Origin(ENV_KEY, false).error(1, "both " + ENV_KEY + " and " + ENV_KEY_FILE + " are set",
                    "unset one of them, so that it is clear which key signs");
        }
        if (file != null) {
            Path p = Path.of(file);
            return Optional.of(signer(p.isAbsolute() ? p : baseDir.resolve(p)));
        }
        return pem == null ? Optional.empty() : Optional.of(signerFromPem(pem, ENV_KEY));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A trusted public key from a PEM file ({@code PUBLIC KEY} or {@code CERTIFICATE}). */
    public static TrustedKey publicKey(Path file) {
        Origin o = new Origin(file.toString(), true);
        String text = read(file, o, "public");
        Block b = block(text, o, "public");
        PublicKey key;
        switch (b.label()) {
            case "PUBLIC KEY" -> key = publicKey(b, o);
            case "CERTIFICATE" -> {
                try {
                    key = CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(b.der())).getPublicKey();
                } catch (GeneralSecurityException e) {
                    throw o.error(b.line(), "the certificate cannot be read", "give the signer's public key in a PUBLIC KEY PEM file");
                }
                key = publicKey(new Block("PUBLIC KEY", b.line(), key.getEncoded(), false), o);
            }
            case "RSA PUBLIC KEY" -> throw unsupported(o, b.line(), "an RSA key");
            default -> throw o.error(b.line(), "this is a private key; verifying needs only the public key",
                    "give the .pub file that gatehouse keygen wrote next to the key (or: openssl pkey -in KEY -pubout)");
        }
        return new TrustedKey(keyid(key), typeOf(key), key, file.toString());
    }

    private static PublicKey publicKey(Block b, Origin o) {
        KeyType type = type(spki(b, o), o, b.line());
        try {
            return KeyFactory.getInstance(type.keyAlgorithm).generatePublic(new X509EncodedKeySpec(b.der()));
        } catch (GeneralSecurityException e) {
            throw o.error(b.line(), "the " + type.id() + " public key is corrupt", "export it again: openssl pkey -in KEY -pubout");
        }
    }

    private static Der.Algorithm spki(Block b, Origin o) {
        try {
            return Der.spkiAlgorithm(b.der());
        } catch (FormatException e) {
            throw o.error(b.line(), "the PUBLIC KEY block is not a DER SubjectPublicKeyInfo", "export it again: openssl pkey -in KEY -pubout");
        }
    }

    private static KeyType typeOf(PublicKey key) {
        return key.getAlgorithm().equals("EC") ? KeyType.ECDSA_P256 : KeyType.ED25519;
    }

    private static Signer signer(String text, Origin o) {
        Block b = block(text, o, "private");
        switch (b.label()) {
            case "PRIVATE KEY" -> {
                // handled below
            }
            case "ENCRYPTED PRIVATE KEY" -> throw encrypted(o, b.line());
            case "EC PRIVATE KEY" -> {
                if (b.procTypeEncrypted()) {
                    throw encrypted(o, b.line());
                }
                throw o.error(b.line(), "this is a SEC1 'EC PRIVATE KEY'; Gatehouse reads PKCS#8 'PRIVATE KEY' files",
                        "convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.p8");
            }
            case "RSA PRIVATE KEY" -> throw unsupported(o, b.line(), "an RSA key");
            case "DSA PRIVATE KEY" -> throw unsupported(o, b.line(), "a DSA key");
            case "OPENSSH PRIVATE KEY" -> throw o.error(b.line(), "this is an OpenSSH key; Gatehouse reads PKCS#8 PEM keys",
                    "create a signing key with: gatehouse keygen -o NAME");
            default -> throw o.error(b.line(), "this is a public key; signing needs the private key",
                    "give the .key file that gatehouse keygen wrote (the .pub file is for verifiers)");
        }
        Der.Algorithm alg;
        try {
            alg = Der.pkcs8Algorithm(b.der());
        } catch (FormatException e) {
            throw o.error(b.line(), "the PRIVATE KEY block is not DER PKCS#8", "create a new key with: gatehouse keygen -o NAME");
        }
        KeyType type = type(alg, o, b.line());
        PrivateKey priv;
        try {
            priv = KeyFactory.getInstance(type.keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(b.der()));
        } catch (GeneralSecurityException e) {
            throw o.error(b.line(), "the " + type.id() + " private key is corrupt", "create a new key with: gatehouse keygen -o NAME");
        }
        PublicKey pub = type == KeyType.ED25519 ? ed25519Public((EdECPrivateKey) priv, o, b.line())
                : p256Public((ECPrivateKey) priv, o, b.line());
        return new Signer(type, priv, pub);
    }

    private static InputException encrypted(Origin o, int line) {
        return o.error(line, "the private key is encrypted; Gatehouse reads unencrypted PKCS#8 keys and expects them protected by "
                + "file permissions or a secret store", "decrypt it into a file only you can read: openssl pkcs8 -in KEY -out KEY.plain");
    }

    private static InputException unsupported(Origin o, int line, String what) {
        return o.error(line, "this is " + what + "; Gatehouse signs with Ed25519 or ECDSA P-256 only",
                "create a supported key with: gatehouse keygen --type ed25519 -o NAME");
    }

    private static KeyType type(Der.Algorithm alg, Origin o, int line) {
        return switch (alg.oid()) {
            case Der.OID_ED25519 -> KeyType.ED25519;
            case Der.OID_ED448 -> throw unsupported(o, line, "an Ed448 key");
            case Der.OID_RSA -> throw unsupported(o, line, "an RSA key");
            case Der.OID_EC -> {
                if (Der.OID_P256.equals(alg.parameterOid())) {
                    yield KeyType.ECDSA_P256;
                }
                throw unsupported(o, line, "an ECDSA key on " + curveName(alg.parameterOid()));
            }
            default -> throw unsupported(o, line, "a key of algorithm " + alg.oid());
        };
    }

    private static String curveName(String oid) {
        if (oid == null) {
            return "explicitly given curve parameters";
        }
        return switch (oid) {
            case "1.3.132.0.34" -> "P-384";
            case "1.3.132.0.35" -> "P-521";
            case "1.3.132.0.10" -> "secp256k1";
            default -> "curve " + oid;
        };
    }

    private static String read(Path file, Origin o, String which) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.US_ASCII.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw o.error(1, "no such " + which + " key file", which.equals("private")
                    ? "create one with: gatehouse keygen -o NAME" : "give the .pub file that gatehouse keygen wrote");
        } catch (CharacterCodingException e) {
            throw o.error(1, "not a PEM file (it holds binary data)", which.equals("private")
                    ? "Gatehouse reads PKCS#8 PEM ('-----BEGIN PRIVATE KEY-----'); from DER: openssl pkey -inform DER -in KEY -out KEY.pem"
                    : "Gatehouse reads PEM ('-----BEGIN PUBLIC KEY-----'); from DER: openssl pkey -pubin -inform DER -in KEY -out KEY.pem");
        } catch (IOException e) {
            throw o.error(1, "cannot read the " + which + " key file: " + e.getClass().getSimpleName(), "check the path and its permissions");
        }
    }

    /** The first PEM block with a key-like label; blocks such as EC PARAMETERS are skipped. */
    private static Block block(String text, Origin o, String which) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = BEGIN.matcher(lines[i]);
            if (!m.matches() || !KEY_LABELS.contains(m.group(1))) {
                continue;
            }
            String label = m.group(1);
            String end = "-----END " + label + "-----";
            StringBuilder b64 = new StringBuilder();
            boolean procEncrypted = false;
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals(end); j++) {
                String l = lines[j].strip();
                if (l.startsWith("Proc-Type:") && l.contains("ENCRYPTED")) {
                    procEncrypted = true;
                } else if (!l.contains(":")) {
                    b64.append(l);
                }
            }
            if (j == lines.length) {
                throw o.error(i + 1, "the " + label + " block has no END line", "the file is truncated; copy the key again");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(b64.toString());
            } catch (IllegalArgumentException e) {
                throw o.error(i + 1, "the " + label + " block is not valid base64", "the file is damaged; copy the key again");
            }
            return new Block(label, i + 1, der, procEncrypted);
        }
        throw o.error(1, "no PEM key found", which.equals("private")
                ? "a signing key is a PKCS#8 PEM file starting with '-----BEGIN PRIVATE KEY-----' (gatehouse keygen writes one)"
                : "a public key is a PEM file starting with '-----BEGIN PUBLIC KEY-----' (gatehouse keygen writes one)");
    }

    /**
     * The public key of an Ed25519 private key. The JDK has no API for it, but its key pair generator takes the
     * 32-byte private seed from the random source (RFC 8032, section 5.1.5), so a source that returns the seed
     * yields the matching pair; the result is checked, so a JDK that did otherwise gives an error, not a wrong key.
     */
    private static PublicKey ed25519Public(EdECPrivateKey priv, Origin o, int line) {
        byte[] seed = priv.getBytes().orElseThrow(() -> o.error(line, "the Ed25519 private key has no seed bytes",
                "create a new key with: gatehouse keygen -o NAME"));
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
            KeyPair kp = g.generateKeyPair();
            byte[] again = ((EdECPrivateKey) kp.getPrivate()).getBytes().orElse(new byte[0]);
            boolean same = Arrays.equals(seed, again);
            Arrays.fill(again, (byte) 0);
            if (same && matches(KeyType.ED25519, priv, kp.getPublic())) {
                return kp.getPublic();
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // fall through to the error below
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
        throw o.error(line, "cannot derive the public key of this Ed25519 key with this JDK", "use an ECDSA P-256 key: gatehouse keygen --type ecdsa-p256 -o NAME");
    }

    /**
     * The public point {@code d·G} of a P-256 private key, computed with a Montgomery ladder in Jacobian
     * coordinates (the JDK exposes no such operation). It runs once per loaded key, on the signer's own machine,
     * and is checked by a signature round trip.
     */
    private static PublicKey p256Public(ECPrivateKey priv, Origin o, int line) {
        ECParameterSpec spec = priv.getParams();
        BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
        BigInteger a = spec.getCurve().getA();
        BigInteger d = priv.getS();
        BigInteger[] r0 = null;
        BigInteger[] r1 = {spec.getGenerator().getAffineX(), spec.getGenerator().getAffineY(), BigInteger.ONE};
        for (int i = spec.getOrder().bitLength() - 1; i >= 0; i--) {
            if (d.testBit(i)) {
                r0 = add(r0, r1, p, a);
                r1 = dbl(r1, p, a);
            } else {
                r1 = add(r0, r1, p, a);
                r0 = dbl(r0, p, a);
            }
        }
        try {
            if (r0 == null) {
                throw o.error(line, "the ECDSA private key is zero", "create a new key with: gatehouse keygen --type ecdsa-p256 -o NAME");
            }
            BigInteger zInv = r0[2].modInverse(p);
            BigInteger z2 = zInv.multiply(zInv).mod(p);
            ECPoint w = new ECPoint(r0[0].multiply(z2).mod(p), r0[1].multiply(z2).multiply(zInv).mod(p));
            PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
            if (matches(KeyType.ECDSA_P256, priv, pub)) {
                return pub;
            }
        } catch (GeneralSecurityException | ArithmeticException e) {
            // fall through to the error below
        }
        throw o.error(line, "the ECDSA private key is corrupt (its public key cannot be derived)",
                "create a new key with: gatehouse keygen --type ecdsa-p256 -o NAME");
    }

    private static BigInteger[] dbl(BigInteger[] q, BigInteger p, BigInteger a) {
        if (q == null || q[1].signum() == 0) {
            return null;
        }
        BigInteger y2 = q[1].multiply(q[1]).mod(p);
        BigInteger s = q[0].multiply(y2).shiftLeft(2).mod(p);
        BigInteger z2 = q[2].multiply(q[2]).mod(p);
        BigInteger m = q[0].multiply(q[0]).multiply(BigInteger.valueOf(3)).add(a.multiply(z2).multiply(z2)).mod(p);
        BigInteger x3 = m.multiply(m).subtract(s.shiftLeft(1)).mod(p);
        BigInteger y3 = m.multiply(s.subtract(x3)).subtract(y2.multiply(y2).shiftLeft(3)).mod(p);
        BigInteger z3 = q[1].multiply(q[2]).shiftLeft(1).mod(p);
        return new BigInteger[] {x3, y3, z3};
    }

    private static BigInteger[] add(BigInteger[] s, BigInteger[] t, BigInteger p, BigInteger a) {
        if (s == null) {
            return t;
        }
        if (t == null) {
            return s;
        }
        BigInteger z1s = s[2].multiply(s[2]).mod(p);
        BigInteger z2s = t[2].multiply(t[2]).mod(p);
        BigInteger u1 = s[0].multiply(z2s).mod(p);
        BigInteger u2 = t[0].multiply(z1s).mod(p);
        BigInteger s1 = s[1].multiply(z2s).multiply(t[2]).mod(p);
        BigInteger s2 = t[1].multiply(z1s).multiply(s[2]).mod(p);
        if (u1.equals(u2)) {
            return s1.equals(s2) ? dbl(s, p, a) : null;
        }
        BigInteger h = u2.subtract(u1).mod(p);
        BigInteger r = s2.subtract(s1).mod(p);
        BigInteger h2 = h.multiply(h).mod(p);
        BigInteger h3 = h2.multiply(h).mod(p);
        BigInteger u1h2 = u1.multiply(h2).mod(p);
        BigInteger x3 = r.multiply(r).subtract(h3).subtract(u1h2.shiftLeft(1)).mod(p);
        BigInteger y3 = r.multiply(u1h2.subtract(x3)).subtract(s1.multiply(h3)).mod(p);
        BigInteger z3 = h.multiply(s[2]).multiply(t[2]).mod(p);
        return new BigInteger[] {x3, y3, z3};
    }

    /** Whether a signature made with {@code priv} verifies with {@code pub}. */
    private static boolean matches(KeyType type, PrivateKey priv, PublicKey pub) throws GeneralSecurityException {
        byte[] probe = "gatehouse key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(type.signatureAlgorithm);
        s.initSign(priv);
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(type.signatureAlgorithm);
        v.initVerify(pub);
        v.update(probe);
        return v.verify(sig);
    }

    /** A random source that hands out one fixed seed: only for {@link #ed25519Public}. */
    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
        }
    }
}
