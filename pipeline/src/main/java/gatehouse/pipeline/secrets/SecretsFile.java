package gatehouse.pipeline.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pipeline secrets kept in the repository, encrypted: a JSON file
 * {@code {"format":"gatehouse-secrets/1","nonce":B64,"ciphertext":B64}} whose ciphertext is AES-256-GCM (96-bit
 * random nonce, 128-bit tag, the format string as associated data) of a JSON object name → value. The key is 32
 * random bytes, base64, from {@code GATEHOUSE_SECRETS_KEY} or the file named by {@code GATEHOUSE_SECRETS_KEY_FILE};
 * it never goes in the repository. A wrong key or an edited file fails authentication: nothing is decrypted.
 */
public final class SecretsFile {
    public static final String FORMAT = "gatehouse-secrets/1";
    public static final String ENV_KEY = "GATEHOUSE_SECRETS_KEY";
    public static final String ENV_KEY_FILE = "GATEHOUSE_SECRETS_KEY_FILE";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretsFile() {}

    /** A new random key, base64. */
    public static String newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** The key from the environment, or null when none is configured. */
    public static byte[] key(Map<String, String> env) throws IOException {
        String text = env.get(ENV_KEY);
        if ((text == null || text.isBlank()) && env.get(ENV_KEY_FILE) != null) {
            text = Files.readString(Path.of(env.get(ENV_KEY_FILE)));
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        byte[] k;
        try {
            k = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("the secrets key is not base64 (make one with: gatehouse secrets-file keygen)");
        }
        if (k.length != 32) {
            throw new IOException("the secrets key must be 32 bytes (AES-256), not " + k.length);
        }
        return k;
    }

    /** Every secret in the file; an absent file holds none. */
    public static Map<String, String> read(Path file, byte[] key) throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException(file + " is not a Gatehouse secrets file (not JSON)");
        }
        if (n == null || !FORMAT.equals(n.path("format").asText()) || !n.path("nonce").isTextual() || !n.path("ciphertext").isTextual()) {
            throw new IOException(file + " is not a " + FORMAT + " file");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, Base64.getDecoder().decode(n.get("nonce").asText())));
            c.updateAAD(FORMAT.getBytes(StandardCharsets.UTF_8));
            byte[] plain = c.doFinal(Base64.getDecoder().decode(n.get("ciphertext").asText()));
            Map<String, String> out = new TreeMap<>();
            JSON.readTree(plain).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (AEADBadTagException e) {
            throw new IOException(file + ": wrong key, or the file was altered (authentication failed)");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": cannot decrypt (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Writes the secrets under a fresh nonce (a temporary file renamed over the old one). */
    public static void write(Path file, byte[] key, Map<String, String> secrets) throws IOException {
        ObjectNode plain = JSON.createObjectNode();
        new TreeMap<>(secrets).forEach(plain::put);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] ct;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(FORMAT.getBytes(StandardCharsets.UTF_8));
            ct = c.doFinal(JSON.writeValueAsBytes(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-GCM", e);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("format", FORMAT);
        out.put("nonce", Base64.getEncoder().encodeToString(nonce));
        out.put("ciphertext", Base64.getEncoder().encodeToString(ct));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
